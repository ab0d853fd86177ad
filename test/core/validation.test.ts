import { InvalidArgumentError, MemoryBackend, Rollout } from '@hanoi/core';
import { everything } from '@hanoi/core/testing';

async function setup() {
  const rollout = new Rollout(new MemoryBackend());
  await rollout.addFunc('beta', { percentage: 10, variants: ['a', 'b'] });
  await rollout.register('beta', 'u1');
  return rollout;
}

/** Runs `call`, expects an InvalidArgumentError naming `field` and showing `shown`, and that nothing changed. */
async function rejectsInvalid(rollout: Rollout, call: () => unknown, field: string, shown: string) {
  const before = await everything(rollout);
  let error: unknown;
  try {
    await call();
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(InvalidArgumentError);
  expect((error as InvalidArgumentError).field).toBe(field);
  expect((error as Error).message).toContain(`Invalid ${field}: ${shown}`);
  expect(await everything(rollout)).toEqual(before);
}

describe('feature names (SPEC: 1..128 characters, no whitespace or control characters)', () => {
  it.each([
    ['', '""'],
    [' beta', '" beta"'],
    ['be ta', '"be ta"'],
    ['beta\t', '"beta\\t"'],
    ['nul\u0000', '"nul\\u0000"'],
    ['\u00a0nbsp', '"\u00a0nbsp"'],
    ['x'.repeat(129), '"xxxx'],
    ['😀'.repeat(129), '"😀'],
    ['\ud800lone', '"\\ud800lone"'],
  ])('%j is refused by addFunc, and not created', async (name, shown) => {
    const rollout = await setup();
    await rejectsInvalid(rollout, () => rollout.addFunc(name), 'name', shown);
  });

  it.each([[42], [null], [undefined], [{}]])('a %p name is refused', async (name) => {
    const rollout = await setup();
    await rejectsInvalid(rollout, () => rollout.addFunc(name as never), 'name', String(JSON.stringify(name) ?? name));
  });

  it('128 characters (emoji counted once) is a name; so are __proto__, constructor and names with : | , { }', async () => {
    const rollout = new Rollout(new MemoryBackend());
    const names = [
      'x'.repeat(128),
      '😀'.repeat(128),
      '__proto__',
      'constructor',
      'a:b',
      'a|b',
      'a,b',
      '{a}',
      'Beta',
      'beta',
    ];
    for (const name of names) await rollout.addFunc(name, { percentage: 100 });
    expect((await rollout.listFuncs()).sort()).toEqual([...names].sort());
    for (const name of names) expect(await rollout.isEnabled(name, 'anyone')).toBe(true);
    expect(await rollout.isEnabled('BETA', 'anyone')).toBe(false); // case-sensitive
    expect(await rollout.getFunc('toString')).toBeUndefined();
    expect(await rollout.isEnabled('hasOwnProperty', 'anyone')).toBe(false);
  });
});

describe('user ids (SPEC: 1..512 code points; NaN and Infinity are not ids)', () => {
  it.each([
    ['NaN', NaN, 'NaN'],
    ['Infinity', Infinity, 'Infinity'],
    ['-Infinity', -Infinity, '-Infinity'],
    ['an empty string', '', '""'],
    ['513 code points', '😀'.repeat(513), '"😀'],
    ['null', null, 'null'],
    // An object is a user context now (test/core/user-context.test.ts); a function is neither.
    ['a function', () => 1, 'function'],
    ['a lone surrogate', 'a\udc00', '"a\\udc00"'],
  ])('%s is refused by every call that takes an id', async (_what, id, shown) => {
    const rollout = await setup();
    const bad = id as never;
    await rejectsInvalid(rollout, () => rollout.register('beta', bad), 'user id', shown);
    await rejectsInvalid(rollout, () => rollout.unregister('beta', [bad]), 'user id', shown);
    await rejectsInvalid(rollout, () => rollout.isEnabled('beta', bad), 'user id', shown);
    await rejectsInvalid(rollout, () => rollout.variant('beta', bad), 'user id', shown);
    await rejectsInvalid(rollout, () => rollout.forUser(bad), 'user id', shown);
    await rejectsInvalid(rollout, () => rollout.withCurrentId(bad, () => 1), 'user id', shown);
    await rejectsInvalid(rollout, () => rollout.setCurrentId(bad), 'user id', shown);
    expect(rollout.getCurrentId()).toBeUndefined();
  });

  it('512 code points is an id, and 0 and -1.5 are ids', async () => {
    const rollout = await setup();
    for (const id of ['😀'.repeat(512), 'i'.repeat(512), 0, -1.5]) {
      await rollout.register('beta', id);
      expect(await rollout.isEnabled('beta', id)).toBe(true);
    }
    expect(await rollout.isEnabled('beta', '-1.5')).toBe(true);
  });
});

describe('percentages and variants', () => {
  it.each([
    [101, '101'],
    [-1, '-1'],
    [50.5, '50.5'],
    ['50', '"50"'],
    [NaN, 'NaN'],
    [Infinity, 'Infinity'],
    [null, 'null'],
  ])('percentage %p is refused by addFunc and setPercentage', async (percentage, shown) => {
    const rollout = await setup();
    await rejectsInvalid(
      rollout,
      () => rollout.addFunc('beta', { percentage: percentage as never }),
      'percentage',
      shown,
    );
    await rejectsInvalid(
      rollout,
      () => rollout.addFunc('new', { percentage: percentage as never }),
      'percentage',
      shown,
    );
    await rejectsInvalid(rollout, () => rollout.setPercentage('beta', percentage as never), 'percentage', shown);
  });

  it.each([
    ['a duplicate name', ['a', 'a'], 'variants', '"a"'],
    ['a duplicate named twice ways', ['a', { name: 'a', weight: 2 }], 'variants', '"a"'],
    ['weight 0', [{ name: 'a', weight: 0 }], 'variant weight', '0'],
    ['weight -1', [{ name: 'a', weight: -1 }], 'variant weight', '-1'],
    ['weight NaN', [{ name: 'a', weight: NaN }], 'variant weight', 'NaN'],
    ['weight Infinity', [{ name: 'a', weight: Infinity }], 'variant weight', 'Infinity'],
    ['weight "2"', [{ name: 'a', weight: '2' }], 'variant weight', '"2"'],
    ['an empty name', [''], 'variant name', '""'],
    ['a name with a space', ['a b'], 'variant name', '"a b"'],
    ['not an array', 'a,b', 'variants', '"a,b"'],
  ])('variants with %s are refused', async (_what, variants, field, shown) => {
    const rollout = await setup();
    await rejectsInvalid(rollout, () => rollout.setVariants('beta', variants as never), field, shown);
    await rejectsInvalid(rollout, () => rollout.addFunc('beta', { variants: variants as never }), field, shown);
  });

  it('enabled must be a boolean, options an object', async () => {
    const rollout = await setup();
    await rejectsInvalid(rollout, () => rollout.addFunc('beta', { enabled: 'yes' as never }), 'enabled', '"yes"');
    await rejectsInvalid(rollout, () => rollout.addFunc('beta', null as never), 'options', 'null');
  });
});

test('a percentage of -0 is stored and read back as 0, on its own write and after others', async () => {
  const rollout = new Rollout(new MemoryBackend());
  await rollout.addFunc('zero', { percentage: -0 });
  expect(Object.is((await rollout.getFunc('zero'))!.percentage, 0)).toBe(true);
  await rollout.addFunc('beta');
  await rollout.setPercentage('beta', -0);
  for (const name of ['zero', 'beta']) expect(Object.is((await rollout.getFunc(name))!.percentage, 0)).toBe(true);
  expect(Object.is(rollout.peek('zero')!.percentage, 0)).toBe(true);
});
