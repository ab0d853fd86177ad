/**
 * benchmark.py's MemoryBackend workload once, in this fresh process, as the
 * Python side runs it: `addFunc('FOO')`, BENCH_REGISTERS single registers
 * (default 10,000), then BENCH_CHECKS checks (default 20,000) alternating a
 * registered user and `USER-a`. The import is outside the timing. Prints one
 * line of JSON: wall and CPU ms of the whole, of the registers (with the add)
 * and of the checks. Run it many times, alternating builds, and take medians;
 * under `valgrind --tool=callgrind node --single-threaded` it gives the
 * instructions of a cold run (subtract a run with 0 registers and 0 checks).
 *
 * Run: pnpm --filter @hanoi/bench python-workload:cold
 * (BENCH_CORE_DIST=/path/to/packages/core/dist/index.cjs runs another build;
 * BENCH_BARE=1 runs the floor instead: the same loops with a bare `await` +
 * `Set.add` / `Set.has` per call, cold in the same way.)
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { MemoryBackend, Rollout } = require(
  process.env.BENCH_CORE_DIST ?? '@hanoi/core',
) as typeof import('@hanoi/core');

const registers = Number(process.env.BENCH_REGISTERS ?? 10_000);
const checks = Number(process.env.BENCH_CHECKS ?? 20_000);

/** CPU milliseconds of this process so far (user + system, every thread). */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** The floor: one awaited call per Python call, doing only a `Set.add` / `Set.has`. */
function bareRollout(): Pick<InstanceType<typeof Rollout>, 'addFunc' | 'register' | 'isEnabled'> {
  const users = new Set<string>();
  return {
    addFunc: async () => {},
    register: async (_name: string, ...ids: (string | string[])[]) => void users.add(ids[0] as string),
    isEnabled: async (_name: string, id?: unknown) => users.has(id as string),
  } as unknown as Pick<InstanceType<typeof Rollout>, 'addFunc' | 'register' | 'isEnabled'>;
}

async function main(): Promise<void> {
  const rollout = process.env.BENCH_BARE === '1' ? bareRollout() : new Rollout(new MemoryBackend());
  const start = performance.now();
  const cpuStart = cpuMs();
  await rollout.addFunc('FOO');
  for (let i = 0; i < registers; i++) await rollout.register('FOO', `USER-${i}`);
  const registered = performance.now();
  const cpuRegistered = cpuMs();
  let on = 0;
  for (let i = 0; i < checks; i++) {
    if (await rollout.isEnabled('FOO', i % 2 === 0 ? `USER-${(i / 2) % registers}` : 'USER-a')) on++;
  }
  const end = performance.now();
  const cpuEnd = cpuMs();
  if (on !== checks / 2) throw new Error(`${on} checks on, expected ${checks / 2}`);
  console.log(
    JSON.stringify({
      wall: end - start,
      cpu: cpuEnd - cpuStart,
      registerWall: registered - start,
      registerCpu: cpuRegistered - cpuStart,
      checkWall: end - registered,
      checkCpu: cpuEnd - cpuRegistered,
    }),
  );
}

void main();
