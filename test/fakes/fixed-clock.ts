import type { Clock } from '../../src/application/ports/clock.port';

/** 2025-01-02T03:04:05.000Z: a fixed instant, so times in assertions are literal. */
export const FIXED_NOW = Date.UTC(2025, 0, 2, 3, 4, 5);

/** A Clock that stands still until a test moves it. */
export class FixedClock implements Clock {
  constructor(private ms: number = FIXED_NOW) {}

  now(): number {
    return this.ms;
  }

  set(ms: number): void {
    this.ms = ms;
  }

  advance(ms: number): void {
    this.ms += ms;
  }
}
