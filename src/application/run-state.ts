/** Whether this process still takes new work: false from SIGTERM/SIGINT on, while it winds down. */
export class RunState {
  private stopping = false;

  get accepting(): boolean {
    return !this.stopping;
  }

  stop(): void {
    this.stopping = true;
  }
}
