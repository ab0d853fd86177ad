/**
 * The request view's cost in instructions (callgrind), against the floors of
 * issue 12: a view built per id with one check (`rollout.forUserNow(id)` then
 * `isEnabled` / `variant`) and with three checks (one of each compare
 * workload's features), against `Map.get` + `crc32 % 100` once (a) and three
 * times (a3) per id; and `await rollout.isEnabled` / `variant` against one
 * awaited promise per check (b). The workloads are compare.ts's: a 50%
 * rollout, a 10,000-user allow-list (every other id of 20,000 listed), a
 * 3-variant experiment at 100%.
 *
 * Each case runs alone in a child `node` under `valgrind --tool=callgrind`,
 * once with `low` and once with `high` operations; the difference divided by
 * `high - low` is the instructions per operation (start-up and set-up cancel
 * out). Counts hold still on a loaded machine where times do not, but weigh
 * an allocation or a cache miss as the few instructions it takes.
 *
 * Run `pnpm build`, then from bench/: `pnpm view-cost`.
 * BENCH_CALLGRIND_COUNTS ("20000,220000"), BENCH_ONLY (cases whose name
 * contains it), BENCH_CORE_DIST (the path of another build's `dist/index.js`
 * of @hanoi/core, to count a build before a change beside this one).
 */
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { callgrindCount, formatRatio, machineLine, markdownTable } from './lib';

/** The child: plain JavaScript, so no TypeScript loader is counted. */
const CHILD = `
import { createRequire } from 'node:module';
const require = createRequire(process.env.BENCH_FROM);
const CRC32 = require('crc-32');
const { MemoryBackend, Rollout } = await import(process.env.BENCH_CORE_DIST || '@hanoi/core');
const { BENCH_CASE: name, BENCH_IDS: idsOf } = process.env;
const count = Number(process.env.BENCH_COUNT);
const hundredThousand = Array.from({ length: 100000 }, (_, i) => String(447500000000 + i));
const mixed = Array.from({ length: 20000 }, (_, i) => String(447600000000 + i));
const ids = idsOf === 'mixed' ? mixed : hundredThousand;
const n = ids.length;
const rollout = new Rollout(new MemoryBackend());
await rollout.addFunc('rollout', { percentage: 50 });
await rollout.addFunc('allowlist', { percentage: 0 });
await rollout.register('allowlist', mixed.filter((_, i) => i % 2 === 0));
await rollout.addFunc('experiment', { percentage: 100, variants: ['a', 'b', 'c'] });
await rollout.ready();
const defs = new Map([['rollout', { percentage: 50 }], ['allowlist', { percentage: 0 }], ['experiment', { percentage: 50 }]]);
let tally = 0;
switch (name) {
  case 'a':
    for (let i = 0; i < count; i++) if ((CRC32.str(ids[i % n]) >>> 0) % 100 < defs.get('rollout').percentage) tally++;
    break;
  case 'a3':
    for (let i = 0; i < count; i++) {
      const id = ids[i % n];
      if ((CRC32.str(id) >>> 0) % 100 < defs.get('rollout').percentage) tally++;
      if ((CRC32.str(id) >>> 0) % 100 < defs.get('allowlist').percentage) tally++;
      if ((CRC32.str(id) >>> 0) % 100 < defs.get('experiment').percentage) tally++;
    }
    break;
  case 'b':
    for (let i = 0; i < count; i++) if (await Promise.resolve((CRC32.str(ids[i % n]) >>> 0) % 100 < defs.get('rollout').percentage)) tally++;
    break;
  case 'view rollout':
    for (let i = 0; i < count; i++) if (rollout.forUserNow(ids[i % n]).isEnabled('rollout')) tally++;
    break;
  case 'view allowlist':
    for (let i = 0; i < count; i++) if (rollout.forUserNow(ids[i % n]).isEnabled('allowlist')) tally++;
    break;
  case 'view experiment':
    for (let i = 0; i < count; i++) if (rollout.forUserNow(ids[i % n]).variant('experiment') === 'a') tally++;
    break;
  case 'view three':
    for (let i = 0; i < count; i++) {
      const features = rollout.forUserNow(ids[i % n]);
      if (features.isEnabled('rollout')) tally++;
      if (features.isEnabled('allowlist')) tally++;
      if (features.variant('experiment') === 'a') tally++;
    }
    break;
  case 'await rollout':
    for (let i = 0; i < count; i++) if (await rollout.isEnabled('rollout', ids[i % n])) tally++;
    break;
  case 'await allowlist':
    for (let i = 0; i < count; i++) if (await rollout.isEnabled('allowlist', ids[i % n])) tally++;
    break;
  case 'await experiment':
    for (let i = 0; i < count; i++) if ((await rollout.variant('experiment', ids[i % n])) === 'a') tally++;
    break;
  default:
    throw new Error('no case ' + name);
}
console.log(tally);
`;

/** A case, the ids it walks, and the floor it is held against. */
interface Case {
  name: string;
  ids: 'hundredThousand' | 'mixed';
  floor?: string;
}

const CASES: Case[] = [
  { name: 'a', ids: 'hundredThousand' },
  { name: 'a3', ids: 'mixed' },
  { name: 'b', ids: 'hundredThousand' },
  { name: 'view rollout', ids: 'hundredThousand', floor: 'a' },
  { name: 'view allowlist', ids: 'mixed', floor: 'a' },
  { name: 'view experiment', ids: 'hundredThousand', floor: 'a' },
  { name: 'view three', ids: 'mixed', floor: 'a3' },
  { name: 'await rollout', ids: 'hundredThousand', floor: 'b' },
  { name: 'await allowlist', ids: 'mixed', floor: 'b' },
  { name: 'await experiment', ids: 'hundredThousand', floor: 'b' },
];

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function main(): Promise<void> {
  const counts = (process.env.BENCH_CALLGRIND_COUNTS ?? '20000,220000').split(',').map(Number);
  const [low, high] = counts as [number, number];
  if (!(counts.length === 2 && Number.isInteger(low) && Number.isInteger(high) && high > low && low > 0)) {
    throw new TypeError('BENCH_CALLGRIND_COUNTS is two operation counts, the smaller first: "20000,220000".');
  }
  const only = process.env.BENCH_ONLY;
  const cases = CASES.filter((c) => !only || c.name.includes(only) || c.name === c.floor);
  const wanted = new Set(cases.flatMap((c) => (c.floor ? [c.name, c.floor] : [c.name])));
  const run = CASES.filter((c) => wanted.has(c.name));
  console.log('# The request view in instructions (callgrind)');
  console.log(`machine: ${machineLine()}`);
  console.log(`@hanoi/core: ${process.env.BENCH_CORE_DIST ?? 'the bench dependency (packages/core/dist)'}`);
  console.log(`operation counts: ${low} and ${high}; per operation = (I(${high}) - I(${low})) / ${high - low}`);
  console.log(`load average at start: ${load()}\n`);
  // Jobs two at a time: the machine has two cores, and callgrind serialises each process on one.
  const jobs = run.flatMap((c) => [low, high].map((count) => ({ c, count })));
  const collected = new Map<string, number>();
  for (let i = 0; i < jobs.length; i += 2) {
    await Promise.all(
      jobs.slice(i, i + 2).map(async ({ c, count }) => {
        collected.set(`${c.name}/${count}`, await callgrind(c, count));
      }),
    );
  }
  const per = (name: string) => (collected.get(`${name}/${high}`)! - collected.get(`${name}/${low}`)!) / (high - low);
  const rows = run.map((c) => [
    c.name,
    Math.round(per(c.name)).toString(),
    c.floor ? `${formatRatio(per(c.name), per(c.floor))} (${c.floor})` : '',
  ]);
  console.log(
    markdownTable(
      [{ title: 'case' }, { title: 'instructions per operation', align: 'right' }, { title: 'ratio to floor' }],
      rows,
    ),
  );
  console.log(`\nload average at end: ${load()}`);
}

/** The instructions callgrind counts in one child run (start-up, set-up and `count` operations). */
function callgrind(c: Case, count: number): Promise<number> {
  return callgrindCount(
    CHILD,
    {
      BENCH_FROM: fileURLToPath(new URL('./package.json', import.meta.url)),
      BENCH_CASE: c.name,
      BENCH_IDS: c.ids,
      BENCH_COUNT: String(count),
    },
    `${c.name} ${count}`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
