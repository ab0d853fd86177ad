import { Rollout, type Backend, type FeatureSnapshot } from '@hanoi/core';
import type { Redis } from 'ioredis';
import { freePort, startRedis, type RedisServer } from '../support/redis-server';
import { BACKENDS, connect, eventually, storeOf, quietLogger, uniquePrefix, type BackendKind } from './redis-fixture';

// Redis away at start-up, lost under traffic, paused, and back again.
const run = process.env.REDIS_URL ? describe.skip : describe;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);
beforeAll(() => process.on('unhandledRejection', onUnhandled));
afterAll(() => process.off('unhandledRejection', onUnhandled));
afterEach(() => expect(unhandled).toEqual([]));

/** Settles with 'settled' when `promise` does, or 'pending' after `ms`: a bound, not a timing measurement. */
function within<T>(promise: Promise<T>, ms: number): Promise<'settled' | 'pending'> {
  return Promise.race([
    promise.then(
      () => 'settled' as const,
      () => 'settled' as const,
    ),
    new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms)),
  ]);
}

const bootstrap: FeatureSnapshot[] = [
  { name: 'beta', enabled: true, percentage: 100, users: [], patterns: [], variants: [] },
  {
    name: 'vip',
    enabled: true,
    percentage: 0,
    users: ['alice'],
    patterns: [{ source: '^staff-', flags: '' }],
    variants: [],
  },
];

run.each(Object.keys(BACKENDS) as BackendKind[])('%s when Redis fails', (kind) => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const make = (client: Redis, options: object) => {
    const logger = quietLogger();
    const backend: Backend = BACKENDS[kind](client, {
      logger,
      writeTimeoutMs: 300,
      lookupTimeoutMs: 100,
      readyTimeoutMs: 300,
      resyncIntervalMs: 200,
      ...options,
    });
    cleanups.push(() => backend.close());
    return { backend, logger, rollout: new Rollout(backend, { logger }) };
  };
  const server = async (): Promise<RedisServer> => {
    const started = await startRedis();
    cleanups.push(() => started.stop());
    return started;
  };
  const client = (url: string): Redis => {
    const c = connect(url);
    cleanups.push(() => c.disconnect());
    return c;
  };

  it('starts with Redis down: ready() settles, checks answer from bootstrap, then it loads when Redis comes', async () => {
    const port = await freePort();
    const { backend, rollout } = make(client(`redis://127.0.0.1:${port}`), { prefix: 'app', bootstrap });
    expect(await within(backend.ready(), 3000)).toBe('settled');
    expect(await rollout.isEnabled('beta', 'anyone')).toBe(true);
    expect(await rollout.isEnabled('vip', 'alice')).toBe(true);
    expect(await rollout.isEnabled('vip', 'staff-1')).toBe(true);
    expect(await rollout.isEnabled('vip', 'bob')).toBe(false);
    await expect(rollout.setPercentage('beta', 5)).rejects.toMatchObject({ code: 'HANOI_BACKEND_UNAVAILABLE' });
    // Redis arrives with other definitions: they replace the bootstrap.
    const real = await startRedis({ port, persist: false });
    cleanups.push(() => real.stop());
    const writer = make(client(real.url), { prefix: 'app' });
    await writer.backend.ready();
    await writer.rollout.addFunc('gamma', { percentage: 100 });
    await eventually(() => backend.peek('gamma') !== undefined && backend.peek('beta') === undefined, 5000);
    expect(await rollout.isEnabled('beta', 'anyone')).toBe(false);
  });

  it('with Redis down and no bootstrap, everything is off and nothing hangs', async () => {
    const port = await freePort();
    const { backend, rollout } = make(client(`redis://127.0.0.1:${port}`), {});
    expect(await within(backend.ready(), 3000)).toBe('settled');
    expect(backend.peek('beta')).toBeUndefined();
    expect(await rollout.isEnabled('beta', 'alice')).toBe(false);
    expect((await rollout.forUser('alice')).enabled()).toEqual([]);
  });

  it('lost under traffic: answers from the last state, writes fail fast and are never applied, resyncs when back', async () => {
    const redis = await server();
    const prefix = uniquePrefix(kind);
    const { backend, rollout, logger } = make(client(redis.url), { prefix });
    await backend.ready();
    await rollout.addFunc('beta', { percentage: 0 });
    await rollout.register('beta', ['alice']);
    await rollout.addFunc('all', { percentage: 100 });
    await redis.kill();
    await eventually(() => backend.peek('all') !== undefined && storeOf(rollout.backend).client.status !== 'ready');
    for (let i = 0; i < 20; i++) {
      expect(await rollout.isEnabled('all', `u${i}`)).toBe(true);
      // RedisBackend holds the users; HighPerf cannot look alice up and counts her as not listed.
      expect(await rollout.isEnabled('beta', 'alice')).toBe(kind === 'RedisBackend');
    }
    const write = rollout.setPercentage('all', 1);
    expect(await within(write, 1000)).toBe('settled');
    await expect(write).rejects.toMatchObject({ code: 'HANOI_BACKEND_UNAVAILABLE' });
    await expect(rollout.addFunc('later')).rejects.toMatchObject({ code: 'HANOI_BACKEND_UNAVAILABLE' });
    if (backend.lookupUser) {
      const lookup = backend.lookupUser('alice', ['beta']);
      expect(await within(lookup, 1000)).toBe('settled');
      await expect(lookup).rejects.toMatchObject({ code: 'HANOI_BACKEND_UNAVAILABLE' });
      expect(logger.messages.filter((m) => /Looking users up failed/.test(m))).toHaveLength(1);
    }
    // Back, with a change made meanwhile by another process.
    await redis.restart();
    const other = make(client(redis.url), { prefix });
    await other.backend.ready();
    await other.rollout.setPercentage('beta', 42);
    await eventually(() => backend.peek('beta')?.percentage === 42, 5000);
    expect((await rollout.getFunc('all'))!.percentage).toBe(100);
    expect(await rollout.getFunc('later')).toBeUndefined();
    expect(await rollout.isEnabled('beta', 'alice')).toBe(true);
  });

  it('a write to a paused Redis rejects within the bound and is refused when Redis resumes', async () => {
    const redis = await server();
    const prefix = uniquePrefix(kind);
    const { backend, rollout } = make(client(redis.url), { prefix });
    await backend.ready();
    await rollout.addFunc('beta', { percentage: 10 });
    redis.pause();
    cleanups.push(() => redis.resume());
    const write = rollout.setPercentage('beta', 90);
    expect(await within(write, 2000)).toBe('settled');
    await expect(write).rejects.toMatchObject({ code: 'HANOI_WRITE_OUTCOME_UNKNOWN' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    redis.resume();
    // ioredis sends the queued script once Redis runs again; its deadline has passed.
    const admin = client(redis.url);
    await eventually(async () => (await admin.ping()) === 'PONG');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await rollout.getFunc('beta'))!.percentage).toBe(10);
    expect(backend.peek('beta')!.percentage).toBe(10);
  });
});
