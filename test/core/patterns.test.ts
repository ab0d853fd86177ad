import { MemoryBackend, Rollout } from '@hanoi/core';

const fresh = async () => {
  const rollout = new Rollout(new MemoryBackend());
  await rollout.addFunc('f'); // 0%: only patterns and listed users can turn it on
  return rollout;
};

describe('patterns (SPEC rule 6: an unanchored search, like re.search)', () => {
  it('/01$/ matches 444401, as in the README', async () => {
    const rollout = await fresh();
    await rollout.register('f', /01$/);
    expect(await rollout.isEnabled('f', '444401')).toBe(true);
    expect(await rollout.isEnabled('f', '444410')).toBe(false);
  });

  it('an unanchored pattern matches anywhere in the id', async () => {
    const rollout = await fresh();
    await rollout.register('f', /beta/);
    for (const id of ['beta', 'x-beta', 'beta-x', 'xbetax']) expect(await rollout.isEnabled('f', id)).toBe(true);
    expect(await rollout.isEnabled('f', 'bet-a')).toBe(false);
  });

  it('any of several patterns is enough', async () => {
    const rollout = await fresh();
    await rollout.register('f', /^admin-/);
    await rollout.register('f', /@example\.com$/);
    expect(await rollout.isEnabled('f', 'admin-1')).toBe(true);
    expect(await rollout.isEnabled('f', 'bob@example.com')).toBe(true);
    expect(await rollout.isEnabled('f', 'bob@example.org')).toBe(false);
    expect(await rollout.isEnabled('f', 'x-admin-1')).toBe(false);
  });

  it('a /g pattern matches every time, again and again (no lastIndex carried over)', async () => {
    const rollout = await fresh();
    const global = /1/g;
    await rollout.register('f', global);
    for (let i = 0; i < 5; i++) expect(await rollout.isEnabled('f', '1')).toBe(true);
    const features = await rollout.forUser('21');
    expect([features.isEnabled('f'), (await rollout.forUser('21')).isEnabled('f')]).toEqual([true, true]);
    expect((await rollout.getFunc('f'))!.patterns).toEqual([{ source: '1', flags: '' }]);
  });

  it('a /y pattern is not sticky to position 0 or to lastIndex', async () => {
    const rollout = await fresh();
    const sticky = /b/y;
    sticky.lastIndex = 3;
    await rollout.register('f', sticky);
    for (let i = 0; i < 3; i++) expect(await rollout.isEnabled('f', 'ab')).toBe(true);
  });

  it('the i, m, s and u flags keep their meaning', async () => {
    const rollout = await fresh();
    await rollout.register('f', /^vip$/im);
    await rollout.register('f', /a.b/s);
    await rollout.register('f', /^\u{1F600}$/u);
    expect(await rollout.isEnabled('f', 'x\nVIP')).toBe(true);
    expect(await rollout.isEnabled('f', 'a\nb')).toBe(true);
    expect(await rollout.isEnabled('f', '😀')).toBe(true);
    expect(await rollout.isEnabled('f', 'xvip')).toBe(false);
  });

  it('a pattern is matched against the id as a string: 42 matches /^4/', async () => {
    const rollout = await fresh();
    await rollout.register('f', /^4/);
    expect(await rollout.isEnabled('f', 42)).toBe(true);
  });

  it('a pattern that would backtrack forever answers (linear-time engine)', async () => {
    const rollout = await fresh();
    await rollout.register('f', /(a+)+$/);
    expect(await rollout.isEnabled('f', `${'a'.repeat(200)}!`)).toBe(false);
    expect(await rollout.isEnabled('f', 'xa')).toBe(true);
  });

  it('a disabled feature ignores its patterns and listed users', async () => {
    const rollout = await fresh();
    await rollout.register('f', /./);
    await rollout.register('f', 'alice');
    await rollout.disable('f');
    expect(await rollout.isEnabled('f', 'alice')).toBe(false);
    expect(await rollout.isEnabled('f', 'anyone')).toBe(false);
    expect(await rollout.explain('f', 'alice')).toEqual({ enabled: false, reason: 'disabled' });
  });
});
