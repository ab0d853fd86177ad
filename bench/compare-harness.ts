// The round runner of compare.ts. bench/lib's runRounds times fixed-size
// cases; the side-by-side needs two things more: an untimed `prepare` before
// each pass (views built in advance), and passes sized per contender, since
// contenders differ by four orders of magnitude (60 ns to 600 us a check).
import { median, spread } from './lib';

/** One contender's timed pass: checks `count` ids from `start` on (wrapping), returns a tally so no work is dead code. */
export type Pass = (start: number, count: number) => number | Promise<number>;

/** One thing to time in the rounds. */
export interface Timed {
  label: string;
  /** Checks per pass (see `passSize`). */
  count: number;
  /** Where the ids of a workload start wrapping round. */
  length: number;
  prepare?(start: number, count: number): Promise<void>;
  pass: Pass;
}

export interface TimedResult {
  label: string;
  count: number;
  /** CPU time of the process per check, one sample per round: what the ratios use. */
  samples: number[];
  medianNs: number;
  spread: number;
  /** Wall-clock time per check, one sample per round. */
  wallSamples: number[];
  wallMedianNs: number;
}

/** One pass: ns per check of process CPU time (user + system) and of wall-clock time. */
export interface PassTime {
  cpuNs: number;
  wallNs: number;
}

/** Bounds of one pass: aim for `targetMs`, never fewer than `minChecks` nor more than `maxChecks`. */
export interface PassBounds {
  targetMs: number;
  minChecks: number;
  maxChecks: number;
}

const collect = (globalThis as { gc?: () => void }).gc;

/**
 * Times one pass of `count` checks, in ns per check. A full GC runs first
 * (when node runs with --expose-gc) so garbage one contender left behind
 * is not charged to the next.
 *
 * Why CPU time as well as wall time: the machine is shared, and a pass that
 * is descheduled for a few milliseconds gains them in wall time but not in
 * CPU time. CPU time counts every thread of the process, so a contender's
 * garbage collection on helper threads is charged to it, as it should be.
 */
export async function timePass(pass: Pass, start: number, count: number): Promise<PassTime> {
  collect?.();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const tally = await pass(start, count);
  const wall = Number(process.hrtime.bigint() - t0);
  const cpu = process.cpuUsage(cpu0);
  if (typeof tally !== 'number' || Number.isNaN(tally)) throw new Error('a pass returns a tally');
  return { cpuNs: ((cpu.user + cpu.system) * 1000) / count, wallNs: wall / count };
}

/** How many checks make one pass of about `bounds.targetMs`, given ns per check. */
export function passSize(nsPerCheck: number, bounds: PassBounds): number {
  const wanted = Math.round((bounds.targetMs * 1e6) / Math.max(nsPerCheck, 1));
  return Math.min(bounds.maxChecks, Math.max(bounds.minChecks, wanted));
}

/**
 * Runs `rounds` rounds; in each, every contender times one pass, in an order
 * rotated every round so that drift (a neighbour's load, CPU frequency)
 * falls on all alike. Each pass walks on through the ids. Stops starting new
 * rounds after `deadlineMs` (at least one round runs).
 */
export async function runTimedRounds(
  items: readonly Timed[],
  rounds: number,
  deadlineMs: number,
): Promise<TimedResult[]> {
  const samples = items.map(() => [] as number[]);
  const wallSamples = items.map(() => [] as number[]);
  const cursors = items.map(() => 0);
  const started = performance.now();
  for (let round = 0; round < rounds; round++) {
    if (round > 0 && performance.now() - started > deadlineMs) break;
    for (let k = 0; k < items.length; k++) {
      const index = (k + round) % items.length;
      const item = items[index]!;
      const start = cursors[index]!;
      await item.prepare?.(start, item.count);
      const { cpuNs, wallNs } = await timePass(item.pass, start, item.count);
      samples[index]!.push(cpuNs);
      wallSamples[index]!.push(wallNs);
      cursors[index] = (start + item.count) % item.length;
    }
  }
  return items.map((item, i) => ({
    label: item.label,
    count: item.count,
    samples: samples[i]!,
    medianNs: median(samples[i]!),
    spread: spread(samples[i]!),
    wallSamples: wallSamples[i]!,
    wallMedianNs: median(wallSamples[i]!),
  }));
}
