import type { NodeTarget } from './fault-schedule';
import type { SequenceLedger } from './sequence-ledger';

/** One fault as it happened: from the moment it struck until the system was whole again. */
export interface FaultWindow {
  readonly kind: 'cut' | 'kill' | 'node';
  /** The replica cut or killed. */
  readonly replica?: number;
  /** The RabbitMQ node killed (1-3), and whether it led the stream. */
  readonly node?: number;
  readonly target?: NodeTarget;
  readonly start: number;
  readonly end: number;
}

/** What one mode's run comes to. Times in ms. */
export interface ModeFigures {
  readonly acknowledged: number;
  readonly delivered: { readonly min: number; readonly median: number; readonly max: number };
  /** Client × event pairs: an acknowledged event that a client never got. */
  readonly lostPairs: number;
  /** Acknowledged events that at least one client never got. */
  readonly lostEvents: number;
  /** Client × event pairs delivered more than once. */
  readonly duplicated: number;
  readonly outOfOrder: number;
  readonly pause: {
    readonly p50: number;
    readonly max: number;
    readonly kill: number | undefined;
    /** At each RabbitMQ node kill, in the order they struck (cluster runs). */
    readonly nodeKills: readonly number[];
  };
}

/** Nearest-rank quantile of numbers already sorted ascending; 0 for none. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** First index whose time is >= `from` (times ascending). */
function firstAtOrAfter(times: readonly number[], from: number): number {
  let low = 0;
  let high = times.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (times[middle]! < from) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The longest stretch without a delivery, among those that overlap
 * [from, to]: between two consecutive receive times, or from the last one to
 * `end` when nothing came after it. Before the first delivery is not silence.
 */
export function longestSilence(times: readonly number[], from: number, to: number, end: number): number {
  let longest = 0;
  for (let i = Math.max(0, firstAtOrAfter(times, from) - 1); i < times.length && times[i]! <= to; i += 1) {
    const next = times[i + 1] ?? end;
    if (next >= from) longest = Math.max(longest, next - times[i]!);
  }
  return longest;
}

/** For each fault, the longest silence that any client had around it. */
export function faultPauses(ledgers: readonly SequenceLedger[], faults: readonly FaultWindow[], end: number): number[] {
  return faults.map((f) => Math.max(0, ...ledgers.map((l) => longestSilence(l.times, f.start, f.end, end))));
}

/** Every figure of one mode, from the acknowledged sequence numbers and what each client recorded. */
export function summarize(
  acknowledged: readonly number[],
  ledgers: readonly SequenceLedger[],
  faults: readonly FaultWindow[],
  end: number,
): ModeFigures {
  const delivered = ledgers.map((l) => l.countOf(acknowledged)).sort((a, b) => a - b);
  const lostEvents = acknowledged.filter((seq) => ledgers.some((l) => !l.has(seq))).length;
  const pauses = faultPauses(ledgers, faults, end);
  const killPauses = pauses.filter((_, n) => faults[n]!.kind === 'kill');
  const nodeKills = pauses.filter((_, n) => faults[n]!.kind === 'node');
  const sortedPauses = [...pauses].sort((a, b) => a - b);
  return {
    acknowledged: acknowledged.length,
    delivered: { min: delivered[0] ?? 0, median: quantile(delivered, 0.5), max: delivered.at(-1) ?? 0 },
    lostPairs: ledgers.reduce((n, l) => n + acknowledged.length - l.countOf(acknowledged), 0),
    lostEvents,
    duplicated: ledgers.reduce((n, l) => n + l.duplicated, 0),
    outOfOrder: ledgers.reduce((n, l) => n + l.outOfOrder, 0),
    pause: {
      p50: quantile(sortedPauses, 0.5),
      max: sortedPauses.at(-1) ?? 0,
      kill: killPauses.length === 0 ? undefined : Math.max(...killPauses),
      nodeKills,
    },
  };
}
