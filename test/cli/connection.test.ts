import { Rollout } from '@hanoi/core';
import { RedisBackend } from '@hanoi/redis';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Cluster } from 'ioredis';
import { startCluster, type RedisCluster } from '../support/redis-cluster';
import { freePort, startRedis, uniquePrefix, type RedisServer } from '../support/redis-server';
import { connectedHanoi, hanoi } from './hanoi-binary';

jest.setTimeout(180_000);

// How `hanoi` finds Redis, and what it does when it cannot: exit 4 within
// a few seconds (a run still going after 15 s is killed, and its code is
// then null, which fails the test), never a hang.

let redis: RedisServer;

beforeAll(async () => {
  redis = await startRedis({ persist: false });
});

afterAll(async () => {
  await redis.stop();
});

test('a closed port exits 4, saying what it tried', async () => {
  const port = await freePort();
  const run = await hanoi(['--redis', `redis://127.0.0.1:${port}`, 'list'], { killAfterMs: 15_000 });
  expect(run.code).toBe(4);
  expect(run.stdout).toBe('');
  expect(run.stderr).toContain(`Redis at redis://127.0.0.1:${port} could not be reached`);
  expect(run.stderr).toContain('ECONNREFUSED');
  const asJson = await hanoi(['--json', '--redis', `redis://127.0.0.1:${port}`, 'add', 'beta'], {
    killAfterMs: 15_000,
  });
  expect(asJson.code).toBe(4);
  expect(JSON.parse(asJson.stderr)).toMatchObject({ error: { code: 'HANOI_BACKEND_UNAVAILABLE', exitCode: 4 } });
});

test('a Redis that accepts the connection but never answers exits 4 after --timeout', async () => {
  const silent = await startRedis({ persist: false });
  try {
    silent.pause();
    const run = await hanoi(['--redis', silent.url, '--timeout', '1000', 'list'], { killAfterMs: 15_000 });
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('could not be reached');
  } finally {
    silent.resume();
    await silent.stop();
  }
});

describe('once a command is done, nothing keeps the process alive', () => {
  // The built library runs one command in a fresh node; once run() has
  // resolved and the timers already due have fired, the process must hold
  // no timer and no socket, only its own stdio: else it lingers after its
  // work (it did for 2 s after an unreachable Redis, on ioredis' timer
  // that destroys a socket that does not close).
  const library = join(__dirname, '..', '..', 'packages', 'cli', 'dist', 'index.cjs');
  const script = `
    const { Writable } = require('node:stream');
    const { run } = require(${JSON.stringify(library)});
    const sink = () => new Writable({ write: (_chunk, _encoding, done) => done() });
    // Once run() resolves: the timers already due fire first (they expire before this one), then two
    // turns of the loop let the sockets they closed finish closing; then whatever is left is listed.
    run(process.argv.slice(1), { io: { stdout: sink(), stderr: sink() } }).then((code) => {
      setTimeout(() => setImmediate(() => setImmediate(() => {
        const open = process.getActiveResourcesInfo().filter((kind) => kind !== 'PipeWrap' && kind !== 'TTYWrap');
        process.stdout.write(JSON.stringify({ code, open }));
        process.exit(0);
      })), 5);
    });`;
  const leftOpen = async (...args: string[]) => {
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script, '--', ...args], { timeout: 30_000 });
    return JSON.parse(stdout) as { code: number; open: string[] };
  };

  test('after Redis refused the connection', async () => {
    const port = await freePort();
    expect(await leftOpen('--redis', `redis://127.0.0.1:${port}`, 'list')).toEqual({ code: 4, open: [] });
  });

  test('after Redis accepted the connection but never answered', async () => {
    const silent = await startRedis({ persist: false });
    try {
      silent.pause();
      expect(await leftOpen('--redis', silent.url, '--timeout', '500', 'list')).toEqual({ code: 4, open: [] });
    } finally {
      silent.resume();
      await silent.stop();
    }
  });

  test('after a command that succeeded, and one that failed on a connected Redis', async () => {
    const prefix = uniquePrefix('cli-exit');
    expect(await leftOpen('--redis', redis.url, '--prefix', prefix, 'add', 'beta')).toEqual({ code: 0, open: [] });
    expect(await leftOpen('--redis', redis.url, '--prefix', prefix, 'percentage', 'ghost', '5')).toEqual({
      code: 3,
      open: [],
    });
  });
});

test('REDIS_URL is used when --redis is not given; neither is a usage error', async () => {
  const prefix = uniquePrefix('cli-env');
  const viaEnv = await hanoi(['--prefix', prefix, 'add', 'beta'], { env: { REDIS_URL: redis.url } });
  expect(viaEnv).toMatchObject({ code: 0, stdout: 'beta: on, 0%\n' });
  expect((await connectedHanoi(redis.url, prefix)('--json', 'list')).stdout).toContain('"name": "beta"');
  const none = await hanoi(['list']);
  expect(none.code).toBe(2);
  expect(none.stderr).toContain('Pass --redis');
});

test('malformed connection options exit 2', async () => {
  for (const args of [
    ['--redis', '127.0.0.1:6390', 'list'],
    ['--redis', redis.url, '--timeout', 'soon', 'list'],
    ['--redis', redis.url, '--backend', 'fast', 'list'],
    ['--redis', redis.url, '--prefix', 'has space', 'list'],
    ['--cluster', '127.0.0.1', 'list'],
    ['--redis', redis.url, '--cluster', '127.0.0.1:7000', 'list'],
  ]) {
    const run = await hanoi(args);
    expect({ args, code: run.code }).toEqual({ args, code: 2 });
  }
});

test('--backend simple and highperf share the store and give the same answers', async () => {
  const prefix = uniquePrefix('cli-backends');
  const simple = (...args: string[]) =>
    hanoi(['--redis', redis.url, '--prefix', prefix, '--backend', 'simple', ...args]);
  const highperf = (...args: string[]) =>
    hanoi(['--redis', redis.url, '--prefix', prefix, '--backend', 'highperf', ...args]);
  expect((await simple('add', 'beta', '--percentage', '10')).code).toBe(0);
  expect((await highperf('register', 'beta', '443301')).code).toBe(0);
  for (const run of [simple, highperf]) {
    expect((await run('check', 'beta', '443301')).stdout).toBe('on: listed user\n');
    expect((await run('check', 'beta', '44488')).stdout).toBe('off: bucket 88 is not under 10%\n');
  }
});

describe('on a Redis Cluster', () => {
  let cluster: RedisCluster | undefined;

  beforeAll(async () => {
    if (!process.env.REDIS_URL) cluster = await startCluster(3);
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  test('--cluster host:port,... manages features an app on the cluster reads', async () => {
    if (!cluster) return; // REDIS_URL names one outside server: no cluster to start
    const nodes = cluster.nodes.map(({ host, port }) => `${host}:${port}`).join(',');
    const prefix = uniquePrefix('cli-cluster');
    const cli = (...args: string[]) => hanoi(['--cluster', nodes, '--prefix', prefix, ...args]);
    expect((await cli('add', 'beta', '--percentage', '10')).code).toBe(0);
    expect((await cli('register', 'beta', '447568110000')).code).toBe(0);
    expect((await cli('check', 'beta', '447568110000')).stdout).toBe('on: listed user\n');
    expect((await cli('check', 'beta', '44488')).stdout).toBe('off: bucket 88 is not under 10%\n');
    const client = new Cluster(cluster.nodes);
    const rollout = new Rollout(new RedisBackend(client, { prefix }));
    try {
      await rollout.ready();
      expect(await rollout.getFunc('beta')).toEqual({
        name: 'beta',
        enabled: true,
        percentage: 10,
        users: ['447568110000'],
        patterns: [],
        variants: [],
      });
    } finally {
      await rollout.close();
      await client.quit();
    }
  });
});
