import { median, spread } from './stats';

/** One thing to time: a loop of `iterations` operations, written out in full by the caller. */
export interface BenchCase {
  name: string;
  /** Operations per round; `run` must do exactly this many. */
  iterations: number;
  /**
   * Runs the operations and returns a checksum (say, how many answered
   * `true`), which keeps the work observable and lets cases be compared.
   * Write the loop inside `run`: a shared loop calling a callback per
   * operation would add a call to every figure, and bury cheap baselines.
   */
  run(iterations: number): number | Promise<number>;
}

/** Bounds of a run: rounds are repeated until `rounds` or the deadline, whichever first. */
export interface RoundsOptions {
  rounds: number;
  /** Rounds run first and thrown away, to let the JIT settle. */
  warmupRounds: number;
  /** Wall-clock budget in milliseconds; the round in progress finishes, no new one starts. */
  deadlineMs: number;
  /**
   * What to time: `wall` (elapsed time; what a caller waiting on I/O sees) or
   * `cpu` (this process's user + system CPU time; steadier on a machine
   * shared with other work, as long as the case does no I/O).
   */
  clock: 'wall' | 'cpu';
}

/** What a case measured: nanoseconds per operation, one sample per round. */
export interface CaseResult {
  name: string;
  samples: number[];
  medianNs: number;
  /** (max - min) / median over the rounds. */
  spread: number;
  checksum: number;
}

/**
 * Reads bounds from the environment: BENCH_ROUNDS (default 7), BENCH_WARMUP
 * (default 1), BENCH_DEADLINE_S (default 120) and BENCH_CLOCK (`wall` or
 * `cpu`, default `wall`).
 *
 * @example
 * const options = roundsFromEnv({ rounds: 5 });
 */
export function roundsFromEnv(defaults: Partial<RoundsOptions> = {}): RoundsOptions {
  const read = (key: string, fallback: number) => {
    const raw = process.env[key];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0)
      throw new TypeError(`${key} is a number of at least 0, got ${JSON.stringify(raw)}.`);
    return value;
  };
  const clock = process.env.BENCH_CLOCK || defaults.clock || 'wall';
  if (clock !== 'wall' && clock !== 'cpu')
    throw new TypeError(`BENCH_CLOCK is "wall" or "cpu", got ${JSON.stringify(clock)}.`);
  return {
    clock,
    rounds: Math.max(1, Math.floor(read('BENCH_ROUNDS', defaults.rounds ?? 7))),
    warmupRounds: Math.floor(read('BENCH_WARMUP', defaults.warmupRounds ?? 1)),
    deadlineMs: read('BENCH_DEADLINE_S', (defaults.deadlineMs ?? 120_000) / 1000) * 1000,
  };
}

/**
 * Times every case once per round, in a rotating order so that drift (CPU
 * frequency, a neighbour's load) falls on every case alike, and reports the
 * median of the rounds in nanoseconds per operation. Collects garbage
 * between cases when node runs with --expose-gc. Times by `options.clock`.
 *
 * @example
 * const results = await runRounds([{ name: 'crc32', iterations: 1e5, run: (n) => loop(n) }], roundsFromEnv());
 * console.log(results[0].medianNs);
 */
export async function runRounds(cases: readonly BenchCase[], options: RoundsOptions): Promise<CaseResult[]> {
  if (cases.length === 0) throw new RangeError('runRounds: give at least one case.');
  const names = new Set(cases.map((c) => c.name));
  if (names.size !== cases.length) throw new RangeError('runRounds: case names are distinct.');
  const samples = cases.map(() => [] as number[]);
  const checksums = cases.map(() => Number.NaN);
  const started = performance.now();
  const gc = (globalThis as { gc?: () => void }).gc;
  const total = options.warmupRounds + options.rounds;
  for (let round = 0; round < total; round++) {
    if (round > options.warmupRounds && performance.now() - started > options.deadlineMs) break;
    for (let k = 0; k < cases.length; k++) {
      const index = (k + round) % cases.length;
      const bench = cases[index]!;
      gc?.();
      const t0 = now(options.clock);
      const checksum = await bench.run(bench.iterations);
      const elapsed = now(options.clock) - t0;
      checksums[index] = checksum;
      if (round >= options.warmupRounds) samples[index]!.push(elapsed / bench.iterations);
    }
  }
  return cases.map((bench, i) => ({
    name: bench.name,
    samples: samples[i]!,
    medianNs: median(samples[i]!),
    spread: spread(samples[i]!),
    checksum: checksums[i]!,
  }));
}

/** Nanoseconds on the chosen clock, from an arbitrary origin. */
function now(clock: RoundsOptions['clock']): number {
  if (clock === 'wall') return Number(process.hrtime.bigint());
  const { user, system } = process.cpuUsage();
  return (user + system) * 1000;
}
