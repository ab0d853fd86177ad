/**
 * Requests per second of a hello-world Express and Koa app with features()
 * and three checks per request, against the same app bare, with autocannon on
 * 127.0.0.1, and what each part costs (a middleware that only calls next(),
 * the same run in an AsyncLocalStorage context, features(), three checks).
 * Each app runs in its own process (tsx loads it; the packages come from
 * dist/); runs alternate between the modes, the order rotating every round, and
 * the table gives medians and ratios: of requests per second, and of the
 * server's CPU time per request (steadier when other work shares the machine).
 *
 *   pnpm build && cd bench && pnpm http
 *   BENCH_ROUNDS=5 BENCH_DURATION_S=5 BENCH_CONNECTIONS=10 BENCH_FRAMEWORKS=express,koa
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import autocannon from 'autocannon';
import { machineLine, markdownTable, median } from './lib/index';

/** In the order of what they add: each mode is the one before plus one thing (see http-server.ts). */
const MODES = ['bare', 'noop', 'context', 'features', 'hanoi'] as const;
type Mode = (typeof MODES)[number];
const FRAMEWORKS = (process.env.BENCH_FRAMEWORKS ?? 'express,koa').split(',');
for (const framework of FRAMEWORKS) {
  if (framework !== 'express' && framework !== 'koa')
    throw new RangeError('BENCH_FRAMEWORKS lists express and/or koa.');
}

const ROUNDS = positive('BENCH_ROUNDS', 5);
const DURATION_S = positive('BENCH_DURATION_S', 5);
const CONNECTIONS = positive('BENCH_CONNECTIONS', 10);
const USERS = 1000;

function positive(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1 || value > 60) throw new RangeError(`${name} is an integer from 1 to 60.`);
  return value;
}

/** A difference of medians, with its sign (noise can make one negative). */
function signed(us: number): string {
  return `${us < 0 ? '' : '+'}${us.toFixed(1)}`;
}

interface App {
  process: ChildProcess;
  port: number;
  lines: string[];
  waiters: ((line: string) => void)[];
}
interface Run {
  rps: number;
  cpuPerRequest: number;
}

function start(framework: string, mode: string): Promise<App> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'http-server.ts', framework, mode], {
    cwd: import.meta.dirname,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${framework} ${mode} did not start in 60 s`)), 60_000);
    child.once('exit', (code) => reject(new Error(`${framework} ${mode} exited with ${code}`)));
    const app: App = { process: child, port: 0, lines: [], waiters: [] };
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const port = /^PORT (\d+)$/.exec(line);
        if (port) {
          clearTimeout(timer);
          app.port = Number(port[1]);
          resolve(app);
        } else {
          app.waiters.shift()?.(line);
        }
      }
    });
  });
}

/** The CPU time (µs) the server has used so far. */
function cpu(app: App): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no CPU reading in 10 s')), 10_000);
    app.waiters.push((line) => {
      clearTimeout(timer);
      resolve(Number(/^CPU (\d+)$/.exec(line)?.[1] ?? Number.NaN));
    });
    app.process.kill('SIGUSR2');
  });
}

/** One bounded load run; every request names one of USERS users. */
async function load(app: App, seconds: number): Promise<Run> {
  let n = 0;
  const before = await cpu(app);
  const result = await autocannon({
    url: `http://127.0.0.1:${app.port}/`,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [{ setupRequest: (req) => ({ ...req, headers: { ...req.headers, 'x-user-id': `u-${n++ % USERS}` } }) }],
  });
  const used = (await cpu(app)) - before;
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`port ${app.port}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, cpuPerRequest: used / result.requests.total };
}

async function bench(framework: string) {
  const apps = {} as Record<Mode, App>;
  const samples = Object.fromEntries(MODES.map((mode) => [mode, [] as Run[]])) as Record<Mode, Run[]>;
  try {
    for (const mode of MODES) apps[mode] = await start(framework, mode);
    for (const mode of MODES) await load(apps[mode], 1); // warm-up, thrown away
    for (let round = 0; round < ROUNDS; round += 1) {
      // Rotate the order so that drift in the machine's load hits every mode alike.
      const order = MODES.map((_, i) => MODES[(i + round) % MODES.length]!);
      for (const mode of order) samples[mode].push(await load(apps[mode], DURATION_S));
      const show = (mode: Mode) =>
        `${mode} ${samples[mode].at(-1)!.rps.toFixed(0)} req/s ${samples[mode].at(-1)!.cpuPerRequest.toFixed(1)} µs`;
      console.error(`${framework} round ${round + 1}/${ROUNDS}: ${MODES.map(show).join('; ')}`);
    }
  } finally {
    for (const app of Object.values(apps)) app.process.kill('SIGTERM');
  }
  const rps = (mode: Mode) => median(samples[mode].map((run) => run.rps));
  const cpu = (mode: Mode) => median(samples[mode].map((run) => run.cpuPerRequest));
  return { framework, samples, rps, cpu };
}

const require = createRequire(import.meta.url);
const versions = `express ${require('express/package.json').version}, koa ${require('koa/package.json').version}, autocannon ${require('autocannon/package.json').version}`;
console.log(`${machineLine()}; ${versions}`);
console.log(
  `${ROUNDS} alternating runs of ${DURATION_S} s each, ${CONNECTIONS} connections, ${USERS} users, medians:\n`,
);
const results = [];
for (const framework of FRAMEWORKS) results.push(await bench(framework));
console.log(
  markdownTable(
    [
      { title: 'app' },
      { title: 'bare req/s', align: 'right' },
      { title: 'with hanoi req/s', align: 'right' },
      { title: 'ratio', align: 'right' },
      { title: 'bare µs CPU/req', align: 'right' },
      { title: 'with hanoi µs CPU/req', align: 'right' },
      { title: 'CPU ratio (bare / hanoi)', align: 'right' },
    ],
    results.map((r) => [
      r.framework,
      r.rps('bare').toFixed(0),
      r.rps('hanoi').toFixed(0),
      (r.rps('hanoi') / r.rps('bare')).toFixed(3),
      r.cpu('bare').toFixed(1),
      r.cpu('hanoi').toFixed(1),
      (r.cpu('bare') / r.cpu('hanoi')).toFixed(3),
    ]),
  ),
);
console.log('\nWhat costs what: server CPU per request (µs, median), each mode adding one thing to the one before:\n');
console.log(
  markdownTable(
    [
      { title: 'app' },
      ...MODES.map((mode) => ({ title: mode, align: 'right' as const })),
      { title: 'a middleware', align: 'right' },
      { title: 'context', align: 'right' },
      { title: 'features()', align: 'right' },
      { title: '3 checks', align: 'right' },
    ],
    results.map((r) => [
      r.framework,
      ...MODES.map((mode) => r.cpu(mode).toFixed(1)),
      signed(r.cpu('noop') - r.cpu('bare')),
      signed(r.cpu('context') - r.cpu('noop')),
      signed(r.cpu('features') - r.cpu('context')),
      signed(r.cpu('hanoi') - r.cpu('features')),
    ]),
  ),
);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL(`./results/http-${Date.now()}.json`, import.meta.url),
  JSON.stringify(
    { machine: machineLine(), versions, results: results.map(({ framework, samples }) => ({ framework, samples })) },
    null,
    1,
  ),
);
