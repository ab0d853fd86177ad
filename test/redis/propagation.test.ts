import { Rollout, type Backend } from '@hanoi/core';
import type { Redis } from 'ioredis';
import { BACKENDS, eventually, storeOf, quietLogger, uniquePrefix, useRedis, type BackendKind } from './redis-fixture';

// Two processes' worth of state: two backends on two connections, one prefix.
const redis = useRedis();

describe.each(Object.keys(BACKENDS) as BackendKind[])('%s: changes reach another process', (kind) => {
  let writerClient: Redis;
  let readerClient: Redis;
  let writer: Rollout;
  let reader: Rollout;
  const opened: Backend[] = [];
  const open = (client: Redis, prefix: string, resyncIntervalMs = 60_000) => {
    const backend = BACKENDS[kind](client, { prefix, logger: quietLogger(), resyncIntervalMs });
    opened.push(backend);
    return new Rollout(backend, { logger: quietLogger() });
  };

  beforeEach(async () => {
    writerClient = redis.client();
    readerClient = redis.client();
    const prefix = uniquePrefix(kind);
    // A long periodic check: what arrives here arrives by pub/sub or a resync it triggered.
    writer = open(writerClient, prefix);
    reader = open(readerClient, prefix);
    await Promise.all([writer.ready(), reader.ready()]);
  });
  afterEach(async () => {
    for (const backend of opened.splice(0)) await backend.close();
  });

  it('sees features, users, patterns and variants without a restart', async () => {
    await writer.addFunc('beta', { percentage: 10, variants: ['a', { name: 'b', weight: 3 }] });
    await writer.register('beta', ['u,1', 'u|2', '😀']);
    await writer.register('beta', /^vip-/i);
    await eventually(() => reader.peek('beta')?.patterns.length === 1);
    expect(await reader.getFunc('beta')).toEqual(await writer.getFunc('beta'));
    for (const id of ['u,1', 'u|2', '😀', 'VIP-7', 'nobody', '443301', '44488']) {
      expect(await reader.isEnabled('beta', id)).toBe(await writer.isEnabled('beta', id));
      expect(await reader.variant('beta', id)).toBe(await writer.variant('beta', id));
    }
    expect(await reader.isEnabled('beta', 'u|2')).toBe(true);
    expect(await reader.isEnabled('beta', 'u')).toBe(bucketBelow('u', 10));
    await writer.disable('beta');
    await eventually(() => reader.peek('beta')?.enabled === false);
    await writer.remove('beta');
    await eventually(() => reader.peek('beta') === undefined);
    expect(reader.backend.knownNames()).toEqual([]);
  });

  // CLIENT KILL TYPE pubsub reaches every subscriber of the server: not on a shared one.
  const ownServer = process.env.REDIS_URL ? it.skip : it;
  ownServer('a process whose subscription was killed catches up when it reconnects', async () => {
    await writer.addFunc('beta', { percentage: 5 });
    await eventually(() => reader.peek('beta')?.percentage === 5);
    const admin = redis.client();
    // Kill every subscriber, then write at once: that message reaches nobody.
    await admin.client('KILL', 'TYPE', 'pubsub');
    await writer.setPercentage('beta', 55);
    // No further write, and no periodic check for a minute: only the resync on resubscription brings it.
    await eventually(() => reader.peek('beta')?.percentage === 55, 5000);
    // And it is subscribed again: the next change arrives by message.
    await writer.setPercentage('beta', 56);
    await eventually(() => reader.peek('beta')?.percentage === 56);
  });

  it('a process that missed messages resyncs on the next one (a version gap)', async () => {
    await writer.addFunc('beta');
    await eventually(() => reader.peek('beta') !== undefined);
    // Writes published where nobody listens: the same scripts' effect without the message.
    const admin = redis.client();
    const prefix = storeOf(reader.backend).config.keys.base;
    await admin.hset(`${prefix}f:beta`, 'percentage', '77');
    await admin.hset(`${prefix}f:beta`, 'v', String(Number(await admin.incr(`${prefix}version`))));
    await writer.addFunc('gamma');
    await eventually(() => reader.peek('gamma') !== undefined && reader.peek('beta')?.percentage === 77);
  });

  it('the periodic check catches up on a change no message announced', async () => {
    const prefix = uniquePrefix(kind);
    const watcher = open(redis.client(), prefix, 150);
    const quiet = open(redis.client(), prefix);
    await Promise.all([watcher.ready(), quiet.ready()]);
    await writer.addFunc('beta'); // on another prefix: the quiet pair sees none of it
    const admin = redis.client();
    await quiet.addFunc('beta', { percentage: 1 });
    await eventually(() => watcher.peek('beta')?.percentage === 1);
    // A change with no message at all: only the version moved.
    await admin.hset(`{${prefix}}:f:beta`, 'percentage', '64', 'v', String(await admin.incr(`{${prefix}}:version`)));
    await eventually(() => watcher.peek('beta')?.percentage === 64, 3000);
    // The other one checks once a minute: still the old value, so the check is what brought it.
    expect(quiet.peek('beta')?.percentage).toBe(1);
  });
});

/** bucket(u) < p, computed here with zlib's CRC-32 from node, independently of the code under test. */
function bucketBelow(id: string, percentage: number): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { crc32 } = require('node:zlib') as { crc32?: (data: string) => number };
  if (!crc32) throw new Error('node:zlib crc32 needs Node 20.15+');
  return crc32(id) % 100 < percentage;
}
