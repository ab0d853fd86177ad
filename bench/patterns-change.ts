/**
 * The cost of a change to a feature with 5,000 patterns (goals: no event
 * loop stalls more than 20 ms; a few KB of heap per pattern at most).
 *
 * 1. Heap per pattern: a process (a RedisBackend) loads the 5,000 patterns;
 *    heap used plus array buffers, after a full GC, before and after, per
 *    pattern; then again after 20,000 checks (each automaton is made at its
 *    first run). And each typical pattern of the test corpus compiled
 *    `COPIES` times, held, then run on 100 of the corpus ids.
 * 2. A change: a writer process (patterns-change-writer.ts, a RedisBackend of
 *    its own) registers a user on the feature, a pattern on it, or a user on a
 *    feature with no pattern (the baseline), while this process, the reader,
 *    checks the feature every millisecond. Each change is timed, in each
 *    process, until the reader holds it and has answered a check with it
 *    (the writer: until its write resolves): the process's CPU time (Redis
 *    replies, decoding, the held list, the check that rebuilds the combined
 *    matcher: a bound on the longest synchronous stretch, not disturbed by
 *    other processes), and the longest event-loop delay (wall clock: it also
 *    counts the time the machine gives to other processes).
 * 3. The pattern code's own part of a change, without Redis: the held list
 *    made from the 5,001 stored specs, and the first check with it.
 *
 * The features are written through a RedisBackend, as any store Hanoi
 * writes holds them (an epoch, a version per feature, history entries).
 * BENCH_SEED=raw writes their keys directly instead, as a store written
 * around Hanoi: no epoch, no version, so the run's first write starts the
 * store's first epoch and every process reloads everything once, as after a
 * FLUSHALL (the first change then costs a snapshot).
 *
 * Medians over BENCH_ROUNDS rounds (default 5) of CHANGES changes each;
 * BENCH_CORPUS=0 leaves out the corpus part (for a CPU profile of the rest).
 *
 * Run: pnpm --filter @hanoi/bench patterns-change
 */
import { compilePattern, matchesAny, Rollout, type CompiledPattern, type PatternSpec } from '@hanoi/core';
import { compilePatterns } from '@hanoi/core/internal';
import { RedisBackend } from '@hanoi/redis';
import Redis from 'ioredis';
import { fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { corpusIds, ORDINARY } from '../test/support/pattern-corpus';
import { machineLine, median } from './lib';
import { startBenchRedis } from './redis-setup';

const PATTERNS = 5000;
const CHANGES = 20;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const COPIES = 1000;
const DEADLINE = Date.now() + Number(process.env.BENCH_DEADLINE_S ?? 300) * 1000;
const quiet = { warn() {}, error() {} };
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const held = () => {
  gc();
  gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
};
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const load = () => loadavg()[0]!.toFixed(1);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`;
const ms = (x: number) => `${x.toFixed(2)} ms`;
const specOf = (i: number): PatternSpec => ({ source: `^p${i}-[a-z]+\\d*$`, flags: i % 3 ? '' : 'i' });

/** Heap per typical pattern of the corpus: held, and after running on 100 corpus ids. */
function corpusHeap(): { rows: string[]; held: number[]; run: number[] } {
  const typical: [string, string][] = [['^USER-[0-9]+$', ''], ['^beta-', 'i'], ...ORDINARY];
  const ids = corpusIds().slice(0, 100);
  for (const [source, flags] of typical) {
    const warm = compilePattern({ source, flags }); // the process-wide tables (folding, properties) first
    for (const id of ids) warm.test(id);
  }
  const rows: string[] = [];
  const heldSizes: number[] = [];
  const runSizes: number[] = [];
  const keep: CompiledPattern[][] = [];
  for (const [source, flags] of typical) {
    const h0 = held();
    const copies = Array.from({ length: COPIES }, () => compilePattern({ source, flags }));
    const h1 = held();
    for (const p of copies) for (const id of ids) p.test(id);
    const h2 = held();
    keep.push(copies);
    heldSizes.push((h1 - h0) / COPIES);
    runSizes.push((h2 - h0) / COPIES);
    rows.push(`| \`/${source}/${flags}\` | ${kb((h1 - h0) / COPIES)} | ${kb((h2 - h0) / COPIES)} |`);
  }
  keep.length = 0;
  return { rows, held: heldSizes, run: runSizes };
}

async function main(): Promise<void> {
  console.log(
    `# A change to a feature with ${PATTERNS} patterns\n\nmachine: ${machineLine()}; load average at start ${load()}\n`,
  );
  const corpus = process.env.BENCH_CORPUS === '0' ? { rows: [], held: [0], run: [0] } : corpusHeap();

  const redis = await startBenchRedis();
  const prefix = `patterns-${process.pid}`;
  const base = `{${prefix}}:`;
  try {
    if (process.env.BENCH_SEED === 'raw') {
      const members = Array.from({ length: PATTERNS }, (_, i) => JSON.stringify([specOf(i).source, specOf(i).flags]));
      await redis.admin.sadd(`${base}index`, 'many', 'few');
      for (const name of ['many', 'few'])
        await redis.admin.hset(`${base}f:${name}`, 'enabled', '1', 'percentage', '0', 'variants', '[]');
      for (let i = 0; i < members.length; i += 1000)
        await redis.admin.sadd(`${base}p:many`, ...members.slice(i, i + 1000));
    } else {
      const seedClient = new Redis(redis.server.url);
      const seed = new Rollout(new RedisBackend(seedClient, { prefix, logger: quiet }), { logger: quiet });
      await seed.ready();
      for (const name of ['many', 'few']) await seed.addFunc(name, { percentage: 0 });
      for (let i = 0; i < PATTERNS; i++) {
        const { source, flags } = specOf(i);
        await seed.register('many', new RegExp(source, flags));
      }
      await seed.close();
      seedClient.disconnect();
    }

    // 1. Heap per pattern in a process holding them.
    const before = held();
    const readerClient = new Redis(redis.server.url);
    const reader = new RedisBackend(readerClient, { prefix, logger: quiet });
    await reader.ready();
    if (reader.peek('many')?.patterns.length !== PATTERNS) throw new Error('the reader did not load the patterns');
    const loaded = held();
    const reading = new Rollout(reader, { logger: quiet });
    let hits = 0;
    for (let j = 0; j < 20_000; j++) if (await reading.isEnabled('many', `p${(j * 7) % PATTERNS}-abc${j}`)) hits++;
    const checked = held();

    // 2. Changes made by a writer process, the reader checking all along.
    const writer = fork(
      fileURLToPath(new URL('./patterns-change-writer.ts', import.meta.url)),
      [redis.server.url, prefix],
      {
        execArgv: ['--import', 'tsx'],
      },
    );
    const replies = new Map<number, { cpu: number; delay: number }>();
    let writerReady: number | undefined;
    writer.on(
      'message',
      (m: { ready?: boolean; patterns?: number; n?: number; cpu?: number; delay?: number; error?: string }) => {
        if (m.ready) writerReady = m.patterns ?? 0;
        else if (m.error) throw new Error(`writer: ${m.error}`);
        else replies.set(m.n!, { cpu: m.cpu!, delay: m.delay! });
      },
    );
    for (let w = 0; w < 3000 && writerReady === undefined; w++) await sleep(10);
    if (writerReady !== PATTERNS) throw new Error(`the writer holds ${writerReady} patterns`);

    type Kind = 'user on the feature' | 'pattern on the feature' | 'user on a feature without patterns';
    const kinds: Kind[] = ['user on the feature', 'pattern on the feature', 'user on a feature without patterns'];
    const series = () => new Map<Kind, number[]>(kinds.map((k) => [k, []]));
    const cpu = series();
    const stall = series();
    const writerCpu = series();
    const writerStall = series();
    const roundMax: number[] = [];
    const loads: string[] = [load()];
    let n = 0;
    let checks = 0;
    const ticker = setInterval(() => {
      checks++;
      void reading.isEnabled('many', `p${checks % PATTERNS}-x`);
    }, 1);
    const delay = monitorEventLoopDelay({ resolution: 1 });
    for (let round = 0; round < ROUNDS && Date.now() < DEADLINE; round++) {
      let worst = 0;
      for (let i = 0; i < CHANGES; i++) {
        for (const kind of kinds) {
          const name = kind === 'user on a feature without patterns' ? 'few' : 'many';
          const seen = reader.peek(name);
          n++;
          delay.reset();
          delay.enable();
          const c0 = cpuMs();
          writer.send({ n, name, pattern: kind === 'pattern on the feature' });
          for (let w = 0; w < 2000 && (reader.peek(name) === seen || !replies.has(n)); w++) await sleep(1);
          if (reader.peek(name) === seen || !replies.has(n)) throw new Error(`change ${n} was not seen`);
          await reading.isEnabled(name, `extra${n}`);
          const c1 = cpuMs();
          delay.disable();
          cpu.get(kind)!.push(c1 - c0);
          stall.get(kind)!.push(delay.max / 1e6);
          writerCpu.get(kind)!.push(replies.get(n)!.cpu);
          writerStall.get(kind)!.push(replies.get(n)!.delay);
          worst = Math.max(worst, delay.max / 1e6, replies.get(n)!.delay);
        }
      }
      roundMax.push(worst);
      loads.push(load());
    }
    clearInterval(ticker);
    writer.send({ exit: true });

    // 3. The pattern code's own part of a change, without Redis.
    const specs = Array.from({ length: PATTERNS }, (_, i) => specOf(i));
    let list = compilePatterns(specs);
    const own: number[] = [];
    const firstCheck: number[] = [];
    for (let i = 0; i < 200; i++) {
      const next = [...specs, { source: `^own${i}$`, flags: '' }].map((p) => ({ ...p })); // fresh strings, as a reply brings
      const t0 = performance.now();
      list = compilePatterns(next, list);
      const t1 = performance.now();
      matchesAny(list, `own${i}`);
      const t2 = performance.now();
      own.push(t1 - t0);
      firstCheck.push(t2 - t1);
      specs.push(next[next.length - 1]!);
    }

    console.log('| measure | figure |\n|---|---|');
    console.log(`| heap per pattern, ${PATTERNS} held by a process | ${kb((loaded - before) / PATTERNS)} |`);
    console.log(`| heap per pattern, after 20,000 checks | ${kb((checked - before) / PATTERNS)} |`);
    console.log(
      `| heap per typical corpus pattern (${corpus.held.length}), median / max: held | ${kb(median(corpus.held))} / ${kb(Math.max(...corpus.held))} |`,
    );
    console.log(`| the same after 100 corpus ids | ${kb(median(corpus.run))} / ${kb(Math.max(...corpus.run))} |`);
    const row = (what: string, xs: number[]) =>
      console.log(`| ${what}, median / max (${xs.length}) | ${ms(median(xs))} / ${ms(Math.max(...xs))} |`);
    for (const kind of kinds) {
      const [c, d] = [cpu.get(kind)!, stall.get(kind)!];
      console.log(
        `| ${kind}: reader, first change: CPU / longest delay; the others' max | ${ms(c[0]!)} / ${ms(d[0]!)}; ${ms(Math.max(...c.slice(1)))} / ${ms(Math.max(...d.slice(1)))} |`,
      );
    }
    for (const kind of kinds) row(`${kind}: reader, CPU per change`, cpu.get(kind)!);
    for (const kind of kinds) row(`${kind}: reader, longest event-loop delay per change`, stall.get(kind)!);
    for (const kind of kinds) row(`${kind}: writer, CPU per write`, writerCpu.get(kind)!);
    for (const kind of kinds) row(`${kind}: writer, longest event-loop delay per write`, writerStall.get(kind)!);
    console.log(
      `| longest event-loop delay per round of ${CHANGES * kinds.length} changes (reader or writer), median (rounds) | ${ms(median(roundMax))} (${roundMax.map((x) => x.toFixed(1)).join(', ')}) |`,
    );
    console.log(
      `| pattern code alone, 5,001 stored specs to the held list, median / max (200) | ${ms(median(own))} / ${ms(Math.max(...own))} |`,
    );
    console.log(
      `| pattern code alone, the first check after (builds the combined matcher), median / max | ${ms(median(firstCheck))} / ${ms(Math.max(...firstCheck))} |`,
    );
    console.log(`\nload average (1 minute) at the start of each round and at the end: ${loads.join(', ')}`);
    console.log(`checks by the reader during the changes: ${checks}; matching ids in the heap phase: ${hits}`);
    console.log(
      `\nHeap per typical corpus pattern, ${COPIES} copies each:\n\n| pattern | held | after 100 corpus ids |\n|---|---:|---:|`,
    );
    console.log(corpus.rows.join('\n'));
    await reader.close();
    readerClient.disconnect();
  } finally {
    await redis.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
