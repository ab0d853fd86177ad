import { type HanoiError, InvalidArgumentError, type Rollout } from '@hanoi/core';
import { EVIL_CASES, UNRUNNABLE_PATTERNS, type EvilAnswer } from './redos-cases';
import { writesSince } from './recording-backend';
import { runTsChild } from './run-child';
import { BACKEND_KINDS, openSubject, startStore, type Store, type Subject } from './subjects';

// Patterns and oversized input, on every backend (issue 6, "Hostile input").
// A backtracking engine would hang on EVIL_CASES; the first test runs them in a
// child process that is killed after a generous bound, so a regression fails
// the test instead of hanging the runner. Timings are measured in bench/, not here.

async function expectInvalid(call: Promise<unknown>, field: string): Promise<void> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InvalidArgumentError);
  expect((err as HanoiError).code).toBe('HANOI_INVALID_ARGUMENT');
  expect((err as InvalidArgumentError).field).toBe(field);
}

async function snapshot(rollout: Rollout): Promise<unknown> {
  const names = (await rollout.listFuncs()).sort();
  return Promise.all(names.map((name) => rollout.getFunc(name)));
}

const TOO_LONG_NAME = 'n'.repeat(129);
const BAD_NAMES = [TOO_LONG_NAME, '🚀'.repeat(129), '\uD800beta', 'beta\uDC00', '', 'a b', 'a\u0000b', 'a\u0085b'];
const BAD_IDS: unknown[] = ['x'.repeat(513), '😀'.repeat(513), '\uD800', 'a\uDFFFb', '', Number.NaN, Infinity, null];

describe.each(BACKEND_KINDS)('hostile input on %s', (kind) => {
  let store: Store | undefined;
  let subject: Subject;
  let n = 0;

  beforeAll(async () => {
    store = await startStore(kind);
  });
  afterAll(async () => {
    await store?.stop();
  });
  beforeEach(async () => {
    subject = await openSubject(kind, store?.address(`redos-${++n}:`));
  });
  afterEach(async () => {
    await subject.close();
  });

  it('answers every evil pattern in linear time, in a child process bounded by a kill', async () => {
    const result = await runTsChild(
      'test/hostile/redos-child.ts',
      { kind, store: store?.address('redos-child:') },
      30_000,
    );
    expect(result.timedOut).toBe(false);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const expected: EvilAnswer[] = EVIL_CASES.map(({ feature, id, on }) => ({
      feature,
      id,
      isEnabled: on,
      forUser: on,
      explain: on,
      guard: on ? 'ran' : 'denied',
    }));
    expect(JSON.parse(result.stdout)).toEqual(expected);
  }, 60_000);

  it('answers them in this process too, and a second reader sees the same patterns', async () => {
    const { rollout, reader } = subject;
    for (const { feature, pattern } of EVIL_CASES) {
      await rollout.addFunc(feature, { percentage: 0 });
      await rollout.register(feature, pattern);
    }
    for (const { feature, id, on } of EVIL_CASES) {
      expect(await rollout.isEnabled(feature, id)).toBe(on);
      expect((await rollout.forUser(id)).isEnabled(feature)).toBe(on);
    }
    const stored = await reader.getFunc('redos-nested-plus');
    expect(stored?.patterns).toEqual([{ source: '(a+)+$', flags: '' }]);
    await subject.settled();
    for (const { feature, id, on } of EVIL_CASES) expect(await reader.isEnabled(feature, id)).toBe(on);
  }, 60_000);

  it('rejects patterns a linear-time engine cannot run, and stores nothing', async () => {
    const { rollout, backend, reader } = subject;
    await rollout.addFunc('guarded', { percentage: 5 });
    await rollout.register('guarded', /^ok$/);
    const before = await snapshot(reader);
    const mark = backend.calls.length;
    for (const pattern of UNRUNNABLE_PATTERNS) {
      await expectInvalid(rollout.register('guarded', pattern), 'pattern');
      await expectInvalid(rollout.unregister('guarded', pattern), 'pattern');
    }
    await expectInvalid(rollout.register('guarded', new RegExp('a'.repeat(1025))), 'pattern');
    // The v flag is kept (its syntax is its own), and look-around is refused there too.
    await expectInvalid(rollout.register('guarded', new RegExp('(?<=a)[\\q{ab}]', 'v')), 'pattern');
    expect(writesSince(backend, mark)).toEqual([]);
    expect(await snapshot(reader)).toEqual(before);
  });

  it('rejects names past the limits before they reach the backend', async () => {
    const { rollout, backend, reader } = subject;
    await rollout.addFunc('kept', { percentage: 30 });
    const before = await snapshot(reader);
    const mark = backend.calls.length;
    for (const name of BAD_NAMES) {
      await expectInvalid(rollout.addFunc(name), 'name');
      await expectInvalid(rollout.register(name, 'u1'), 'name');
      await expectInvalid(rollout.register(name, /u/), 'name');
      await expectInvalid(rollout.unregister(name, 'u1'), 'name');
      await expectInvalid(rollout.setPercentage(name, 10), 'name');
      await expectInvalid(rollout.setVariants(name, ['a']), 'name');
      await expectInvalid(rollout.enable(name), 'name');
      await expectInvalid(rollout.disable(name), 'name');
      await expectInvalid(rollout.toggle(name), 'name');
      await expectInvalid(rollout.remove(name), 'name');
      await expectInvalid(rollout.setVariants('kept', [name]), 'variant name');
      await expectInvalid(rollout.addFunc('kept', { variants: [{ name, weight: 1 }] }), 'variant name');
    }
    expect(writesSince(backend, mark)).toEqual([]);
    expect(await snapshot(reader)).toEqual(before);
  });

  it('accepts names at the limit, counted in code points, and reads them back', async () => {
    const { rollout, reader } = subject;
    for (const name of ['n'.repeat(128), '🚀'.repeat(128)]) {
      await rollout.addFunc(name, { percentage: 100 });
      expect((await reader.getFunc(name))?.name).toBe(name);
      expect(await rollout.isEnabled(name, 'anyone')).toBe(true);
    }
  });

  it('rejects ids past the limits before they reach the backend', async () => {
    const { rollout, backend, reader } = subject;
    await rollout.addFunc('ids', { percentage: 0 });
    const before = await snapshot(reader);
    const mark = backend.calls.length;
    for (const id of BAD_IDS) {
      await expectInvalid(rollout.register('ids', id as string), 'user id');
      await expectInvalid(rollout.register('ids', ['fine', id as string]), 'user id');
      await expectInvalid(rollout.unregister('ids', id as string), 'user id');
      if (id === null) continue; // null is "no user" to a check, not an id
      await expectInvalid(rollout.isEnabled('ids', id as string), 'user id');
      await expectInvalid(rollout.variant('ids', id as string), 'user id');
      await expectInvalid(rollout.forUser(id as string), 'user id');
    }
    expect(writesSince(backend, mark)).toEqual([]);
    expect(await snapshot(reader)).toEqual(before);
  });

  it('accepts ids at the limit, counted in code points, and reads them back', async () => {
    const { rollout, reader } = subject;
    const ids = ['x'.repeat(512), '😀'.repeat(512), 'a,b', 'a|b', '__proto__'];
    await rollout.addFunc('ids', { percentage: 0 });
    await rollout.register('ids', ids);
    expect((await reader.getFunc('ids'))?.users.slice().sort()).toEqual(ids.slice().sort());
    for (const id of ids) expect(await rollout.isEnabled('ids', id)).toBe(true);
    expect(await rollout.isEnabled('ids', 'a')).toBe(false);
  });
});
