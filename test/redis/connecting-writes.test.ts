import { Rollout, type Backend } from '@hanoi/core';
import Redis from 'ioredis';
import { freePort, startRedis } from '../support/redis-server';
import { BACKENDS, connect, eventually, quietLogger, uniquePrefix, type BackendKind } from './redis-fixture';

// SPEC "Writes, connections and resets": a write issued while the client is
// connecting or reconnecting waits for the connection, up to writeTimeoutMs,
// and is then sent; a Redis still unreachable then makes it reject with
// HANOI_BACKEND_UNAVAILABLE, and nothing is written later.
const run = process.env.REDIS_URL ? describe.skip : describe;

run.each(Object.keys(BACKENDS) as BackendKind[])('%s: a write while the client connects', (kind) => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const make = (client: Redis, options: object = {}) => {
    const logger = quietLogger();
    const backend: Backend = BACKENDS[kind](client, { logger, ...options });
    cleanups.push(() => backend.close());
    return { backend, rollout: new Rollout(backend, { logger }) };
  };
  const track = (client: Redis): Redis => {
    client.on('error', () => {});
    cleanups.push(() => client.disconnect());
    return client;
  };

  it('a write on a client just created (no ready() first) waits for the connection and is applied', async () => {
    const redis = await startRedis({ persist: false });
    cleanups.push(() => redis.stop());
    const prefix = uniquePrefix(kind);
    const client = track(new Redis(redis.url));
    expect(client.status).not.toBe('ready');
    const { rollout } = make(client, { prefix });
    await rollout.addFunc('beta', { percentage: 30 });
    await rollout.register('beta', ['alice', 'bob']);
    expect(await rollout.getFunc('beta')).toMatchObject({ percentage: 30 });
    expect(await rollout.isEnabled('beta', 'alice')).toBe(true);
  });

  it('a client made with lazyConnect is connected by the first write', async () => {
    const redis = await startRedis({ persist: false });
    cleanups.push(() => redis.stop());
    const client = track(new Redis(redis.url, { lazyConnect: true }));
    const { rollout } = make(client, { prefix: uniquePrefix(kind) });
    await rollout.addFunc('beta');
    expect(await rollout.listFuncs()).toEqual(['beta']);
  });

  it('a write while Redis is coming back waits for it and is sent', async () => {
    const port = await freePort();
    const client = track(connect(`redis://127.0.0.1:${port}`));
    const { rollout } = make(client, { prefix: 'app', writeTimeoutMs: 8000, readyTimeoutMs: 200 });
    await rollout.ready();
    expect(client.status).not.toBe('ready');
    const write = rollout.addFunc('beta', { percentage: 100 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const redis = await startRedis({ port, persist: false });
    cleanups.push(() => redis.stop());
    await write;
    const admin = track(new Redis(redis.url));
    expect(await admin.smembers('{app}:index')).toEqual(['beta']);
    expect(await rollout.isEnabled('beta', 'anyone')).toBe(true);
  });

  it('still unreachable after writeTimeoutMs: rejects HANOI_BACKEND_UNAVAILABLE, and nothing is written when Redis comes', async () => {
    const port = await freePort();
    const client = track(connect(`redis://127.0.0.1:${port}`));
    const { rollout } = make(client, { prefix: 'app', writeTimeoutMs: 400, readyTimeoutMs: 200 });
    const started = Date.now();
    await expect(rollout.addFunc('beta')).rejects.toMatchObject({
      code: 'HANOI_BACKEND_UNAVAILABLE',
      message: expect.stringMatching(/nothing was sent/),
    });
    // It waited for the connection rather than failing at once (a bound, not a timing).
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    const redis = await startRedis({ port, persist: false });
    cleanups.push(() => redis.stop());
    await eventually(() => client.status === 'ready', 5000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const admin = track(new Redis(redis.url));
    expect(await admin.keys('*')).toEqual([]);
    expect(await rollout.getFunc('beta')).toBeUndefined();
  });
});
