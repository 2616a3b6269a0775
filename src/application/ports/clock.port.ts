/** The time, behind a port so tests can fix it. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}
