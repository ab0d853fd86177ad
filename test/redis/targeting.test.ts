import { Rollout, type Backend } from '@hanoi/core';
import type { Redis } from 'ioredis';
import { describeRules } from '../targeting/rules-suite';
import { describeSegmentsDenyPrerequisites } from '../targeting/segments-deny-prerequisites-suite';
import { BACKENDS, eventually, quietLogger, uniquePrefix, useRedis, type BackendKind } from './redis-fixture';

// Targeting through a real Redis: rules, `by` and prerequisites are fields of
// a feature's data, the deny list is the field the write script keeps, and a
// segment is an entry of its own. The same suites as on MemoryBackend.
const redis = useRedis();
let client: Redis;
const opened: Backend[] = [];
beforeAll(() => {
  client = redis.client();
});
afterEach(async () => {
  for (const backend of opened.splice(0)) await backend.close();
});

const open = (kind: BackendKind, prefix = uniquePrefix(kind), on: Redis = client): Backend => {
  const backend = BACKENDS[kind](on, { prefix, logger: quietLogger() });
  opened.push(backend);
  return backend;
};

describeRules('on RedisBackend', () => open('RedisBackend'));
describeRules('on RedisHighPerfBackend', () => open('RedisHighPerfBackend'));
describeSegmentsDenyPrerequisites('on RedisBackend', () => open('RedisBackend'));
describeSegmentsDenyPrerequisites('on RedisHighPerfBackend', () => open('RedisHighPerfBackend'));

describe.each(Object.keys(BACKENDS) as BackendKind[])('%s: targeting reaches another process', (kind) => {
  it('rules, the unit, prerequisites and the deny list written by one process decide in another', async () => {
    const prefix = uniquePrefix(kind);
    const writer = new Rollout(open(kind, prefix, redis.client()), { logger: quietLogger() });
    const reader = new Rollout(open(kind, prefix, redis.client()), { logger: quietLogger() });
    await Promise.all([writer.ready(), reader.ready()]);
    await writer.addFunc('base', { percentage: 100 });
    await writer.addFunc('dutch', {
      by: 'companyId',
      requires: [{ feature: 'base' }],
      rules: [{ name: 'NL', constraints: [{ attribute: 'country', operator: 'IN', values: ['NL'] }] }],
    });
    await writer.deny('dutch', ['c13', 'c14']);
    await writer.undeny('dutch', 'c14');
    // RedisBackend holds the deny list; RedisHighPerfBackend keeps it in Redis, asked per request.
    const targeting = () => reader.peek('dutch')?.targeting;
    const denied = () => (targeting()?.deniedInStore ? ['(in Redis)'] : [...(targeting()?.denied ?? [])]);
    await eventually(() => denied().join() === (kind === 'RedisBackend' ? 'c13' : '(in Redis)'));
    expect(targeting()?.denied.size).toBe(kind === 'RedisBackend' ? 1 : 0);
    expect(await reader.explain('dutch', { companyId: 'c1', country: 'NL' })).toEqual({
      enabled: true,
      reason: 'rule',
      rule: { index: 0, name: 'NL' },
    });
    expect(await reader.explain('dutch', { companyId: 'c13', country: 'NL' })).toEqual({
      enabled: false,
      reason: 'denied',
    });
    expect(await reader.isEnabled('dutch', { companyId: 'c14', country: 'NL' })).toBe(true);
    const stored = await reader.getFunc('dutch');
    expect(stored).toMatchObject({ by: 'companyId', deny: ['c13'], requires: [{ feature: 'base' }] });
    expect(stored!.rules).toHaveLength(1);
    await writer.disable('base');
    await eventually(() => reader.peek('base')?.enabled === false);
    expect((await reader.explain('dutch', { companyId: 'c1', country: 'NL' })).reason).toBe('prerequisite');
    await writer.undeny('dutch', 'c13');
    await eventually(() => denied().length === 0);
    expect((await reader.getFunc('dutch'))!.deny).toBeUndefined();
    expect(await reader.isEnabled('dutch', { companyId: 'c13', country: 'NL' })).toBe(false); // the prerequisite is off
    await writer.enable('base');
    await eventually(() => reader.peek('base')?.enabled === true);
    expect(await reader.isEnabled('dutch', { companyId: 'c13', country: 'NL' })).toBe(true);
  });
});

describe('segments across processes', () => {
  it('RedisBackend: a segment defined in one process decides in another; it is no feature', async () => {
    const prefix = uniquePrefix('segments');
    const writer = new Rollout(open('RedisBackend', prefix, redis.client()), { logger: quietLogger() });
    const reader = new Rollout(open('RedisBackend', prefix, redis.client()), { logger: quietLogger() });
    await Promise.all([writer.ready(), reader.ready()]);
    await writer.defineSegment('testers', { users: ['u1', 'u2'] });
    await writer.addFunc('beta', { rules: [{ constraints: [{ operator: 'IN_SEGMENT', values: ['testers'] }] }] });
    await eventually(() => reader.peek('beta') !== undefined && reader.backend.peekSegment?.('testers') !== undefined);
    expect(await reader.isEnabled('beta', 'u2')).toBe(true);
    await writer.defineSegment('testers', { users: ['u3'] });
    await eventually(() => reader.backend.peekSegment?.('testers')?.users?.has('u3') === true);
    expect(await reader.isEnabled('beta', 'u2')).toBe(false);
    expect(await reader.isEnabled('beta', 'u3')).toBe(true);
    expect(await reader.getSegment('testers')).toEqual({ name: 'testers', users: ['u3'], constraints: [] });
    expect(await reader.listFuncs()).toEqual(['beta']);
    expect(reader.backend.knownNames()).toEqual(['beta']);
    expect(await reader.listSegments()).toEqual(['testers']);
  });

  it('RedisHighPerfBackend (users stay in Redis): a segment defined in one process decides in another, looked up', async () => {
    const prefix = uniquePrefix('segments-hp');
    const writer = new Rollout(open('RedisHighPerfBackend', prefix, redis.client()), { logger: quietLogger() });
    const reader = new Rollout(open('RedisHighPerfBackend', prefix, redis.client()), { logger: quietLogger() });
    await Promise.all([writer.ready(), reader.ready()]);
    await writer.defineSegment('testers', { users: ['u1', 'u2'] });
    await writer.addFunc('beta', { rules: [{ constraints: [{ operator: 'IN_SEGMENT', values: ['testers'] }] }] });
    await eventually(() => reader.peek('beta') !== undefined && reader.backend.peekSegment?.('testers') !== undefined);
    // No process holds the segment's users: they stay in Redis.
    expect(reader.backend.peekSegment!('testers')!.users).toBeUndefined();
    expect(await reader.isEnabled('beta', 'u2')).toBe(true);
    expect((await reader.forUser('u1')).isEnabled('beta')).toBe(true);
    await writer.defineSegment('testers', { users: ['u3'] });
    expect(await reader.isEnabled('beta', 'u2')).toBe(false);
    expect(await reader.isEnabled('beta', 'u3')).toBe(true);
    expect(await reader.getSegment('testers')).toEqual({ name: 'testers', users: ['u3'], constraints: [] });
    expect(await reader.listFuncs()).toEqual(['beta']);
    expect(reader.backend.knownNames()).toEqual(['beta']);
    expect(await reader.listSegments()).toEqual(['testers']);
  });
});

describe('deny lists in Redis sets', () => {
  it('a list an earlier version kept in the hash field x:deny still denies, and the next deny moves it into the set', async () => {
    const prefix = uniquePrefix('deny-upgrade');
    const writer = new Rollout(open('RedisBackend', prefix), { logger: quietLogger() });
    await writer.addFunc('beta', { percentage: 100 });
    // As an earlier version stored it: the field, no set.
    await client.hset(`{${prefix}}:f:beta`, 'x:deny', JSON.stringify(['u1', 'u2']));
    for (const kind of ['RedisBackend', 'RedisHighPerfBackend'] as const) {
      const rollout = new Rollout(open(kind, prefix, redis.client()), { logger: quietLogger() });
      await rollout.ready();
      expect([await rollout.isEnabled('beta', 'u1'), await rollout.isEnabled('beta', 'u3')]).toEqual([false, true]);
      expect((await rollout.getFunc('beta'))!.deny).toEqual(['u1', 'u2']);
    }
    await writer.deny('beta', 'u3');
    expect(await client.hexists(`{${prefix}}:f:beta`, 'x:deny')).toBe(0);
    expect((await client.smembers(`{${prefix}}:d:beta`)).sort()).toEqual(['u1', 'u2', 'u3']);
    const highPerf = new Rollout(open('RedisHighPerfBackend', prefix, redis.client()), { logger: quietLogger() });
    await highPerf.ready();
    expect(highPerf.peek('beta')!.targeting).toMatchObject({ deniedInStore: true, denied: new Set() });
    expect([await highPerf.isEnabled('beta', 'u2'), await highPerf.isEnabled('beta', 'u4')]).toEqual([false, true]);
    const { entries } = await writer.backend.history({ feature: 'beta', limit: 1 });
    expect([entries[0]!.before, entries[0]!.after]).toEqual([{ deny: ['u1', 'u2'] }, { deny: ['u1', 'u2', 'u3'] }]);
    await writer.remove('beta');
    expect(await client.exists(`{${prefix}}:d:beta`)).toBe(0);
  });
});
