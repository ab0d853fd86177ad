import { Rollout, type Backend } from '@hanoi/core';
import { PostgresBackend } from '@hanoi/postgres';
import type { Pool } from 'pg';
import { describeRules } from '../targeting/rules-suite';
import { describeSegmentsDenyPrerequisites } from '../targeting/segments-deny-prerequisites-suite';
import { eventually, quietLogger, usePostgres } from './postgres-fixture';

// Targeting through a real PostgreSQL: rules, `by` and prerequisites are
// fields of a feature's jsonb data, the deny list is the field `deny` the
// write transaction keeps, and a segment is an entry of its own. The same
// suites as on MemoryBackend and RedisBackend.
const pg = usePostgres();
const opened: Backend[] = [];
let pools: Pool[];
beforeAll(() => {
  pools = [pg.pool(), pg.pool()];
});
afterEach(async () => {
  for (const backend of opened.splice(0)) await backend.close();
});

const open = (schema: string, pool = pools[0]!, lookupUsers = false): Backend => {
  // A segment of 100,000 users is one transaction: more than the default 2 s on a busy test machine.
  const backend = new PostgresBackend(pool, { schema, lookupUsers, logger: quietLogger(), writeTimeoutMs: 20_000 });
  opened.push(backend);
  // Lookups answer once the store's feed is connected (they fail closed before): the suites start after both.
  const loaded = backend.ready.bind(backend);
  backend.ready = async () => {
    await loaded();
    if (lookupUsers) await eventually(() => backend.store.isConnected());
  };
  return backend;
};

// The suites take a synchronous factory: each backend gets a schema made (and migrated) before its test.
let schema = '';
beforeEach(async () => {
  schema = await pg.schema();
});

describeRules('on PostgresBackend', () => open(schema));
describeSegmentsDenyPrerequisites('on PostgresBackend', () => open(schema));
describeRules('on PostgresBackend with lookupUsers', () => open(schema, pools[0], true));
describeSegmentsDenyPrerequisites('on PostgresBackend with lookupUsers', () => open(schema, pools[0], true));

describe('PostgresBackend: targeting across processes, with lookupUsers, in history', () => {
  it('rules, the unit, prerequisites and the deny list written by one process decide in another', async () => {
    const writer = new Rollout(open(schema), { logger: quietLogger() });
    const reader = new Rollout(open(schema, pools[1]), { logger: quietLogger() });
    await Promise.all([writer.ready(), reader.ready()]);
    await writer.addFunc('base', { percentage: 100 });
    await writer.addFunc('dutch', {
      by: 'companyId',
      requires: [{ feature: 'base' }],
      rules: [{ name: 'NL', constraints: [{ attribute: 'country', operator: 'IN', values: ['NL'] }] }],
    });
    await writer.deny('dutch', ['c13', 'c14']);
    await writer.undeny('dutch', 'c14');
    const denied = () => [...(reader.peek('dutch')?.targeting?.denied ?? [])];
    await eventually(() => denied().join() === 'c13');
    expect(await reader.explain('dutch', { companyId: 'c13', country: 'NL' })).toEqual({
      enabled: false,
      reason: 'denied',
    });
    expect(await reader.isEnabled('dutch', { companyId: 'c14', country: 'NL' })).toBe(true);
    expect(await reader.getFunc('dutch')).toMatchObject({ by: 'companyId', deny: ['c13'] });
    await writer.undeny('dutch', 'c13');
    await eventually(() => reader.peek('dutch')?.targeting?.denied.size === 0);
    expect((await reader.getFunc('dutch'))!.deny).toBeUndefined();
  });

  it('with lookupUsers: the deny list keeps any id (NUL kept); a segment decides, its users looked up', async () => {
    const backend = new PostgresBackend(pools[0]!, { schema, lookupUsers: true, logger: quietLogger() });
    opened.push(backend);
    const rollout = new Rollout(backend, { logger: quietLogger() });
    await rollout.ready();
    await rollout.addFunc('f', { percentage: 100 });
    await rollout.deny('f', ['u\u0000x', 'u\\y']);
    expect(await rollout.isEnabled('f', 'u\u0000x')).toBe(false);
    expect(await rollout.isEnabled('f', 'u\\y')).toBe(false);
    expect(await rollout.isEnabled('f', 'u')).toBe(true);
    expect((await rollout.getFunc('f'))!.deny).toEqual(['u\u0000x', 'u\\y']);
    await rollout.defineSegment('s', { users: ['u1', 'u\u0000x'] });
    await rollout.addFunc('g', { rules: [{ constraints: [{ operator: 'IN_SEGMENT', values: ['s'] }] }] });
    expect(backend.peekSegment('s')!.users).toBeUndefined();
    expect(await rollout.isEnabled('g', 'u1')).toBe(true);
    expect(await rollout.isEnabled('g', 'u\u0000x')).toBe(true);
    expect(await rollout.isEnabled('g', 'u2')).toBe(false);
    expect(await rollout.getSegment('s')).toEqual({ name: 's', users: ['u1', 'u\u0000x'].sort(), constraints: [] });
    expect(await rollout.listSegments()).toEqual(['s']);
  });

  it('deny and undeny are history entries: the change of the field deny, revertible', async () => {
    const rollout = new Rollout(open(schema), { logger: quietLogger() });
    await rollout.ready();
    await rollout.addFunc('f', { percentage: 100 });
    await rollout.deny('f', ['u2', 'u1']);
    await rollout.undeny('f', 'u2');
    const { entries } = await rollout.backend.history({ feature: 'f', limit: 10 });
    expect(entries.slice(0, 2).map((e) => [e.action, e.before, e.after])).toEqual([
      ['undeny', { deny: ['u1', 'u2'] }, { deny: ['u1'] }],
      ['deny', { deny: null }, { deny: ['u1', 'u2'] }],
    ]);
    await rollout.backend.revert(entries[0]!, { actor: 'ops', source: 'api' });
    expect((await rollout.getFunc('f'))!.deny).toEqual(['u1', 'u2']);
    await rollout.backend.revert(entries[1]!, { actor: 'ops', source: 'api' });
    expect((await rollout.getFunc('f'))!.deny).toBeUndefined();
    expect(await rollout.isEnabled('f', 'u1')).toBe(true);
  });
});
