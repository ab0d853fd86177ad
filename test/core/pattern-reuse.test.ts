import { compilePattern, MemoryBackend, Rollout, type PatternSpec } from '@hanoi/core';
import { changePatterns, compilePatterns } from '@hanoi/core/internal';

// What a change to a feature with many patterns costs (SPEC "Writes,
// connections and resets": a change costs what it changes), and what the
// compiled patterns keep meaning while they are shared and reused.

const spec = (source: string, flags = ''): PatternSpec => ({ source, flags });
const many = (n: number): PatternSpec[] =>
  Array.from({ length: n }, (_, i) => spec(`^p${i}-[a-z]+\\d*$`, i % 3 ? '' : 'i'));
/** The order the list is kept in, worked out here from the keys `${flags}/${source}`. */
const keyOrder = (specs: readonly PatternSpec[]): string[] =>
  specs.map((p) => `${p.flags}/${p.source}`).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const keysOf = (list: readonly PatternSpec[]): string[] => list.map((p) => `${p.flags}/${p.source}`);

describe('compiled patterns reused across reloads', () => {
  it('the same patterns coming back in another order give the very same list', () => {
    const specs = many(500);
    const first = compilePatterns(specs);
    expect(keysOf(first)).toEqual(keyOrder(specs));
    const reversed = [...specs].reverse().map((p) => ({ ...p }));
    expect(compilePatterns(reversed, first)).toBe(first);
  });

  it('an added and a removed pattern: a new list in key order, every other pattern the same object', () => {
    const specs = many(500);
    const first = compilePatterns(specs);
    const next = [...specs.slice(0, 250), ...specs.slice(251), spec('^extra$'), spec('^EXTRA$', 'i')].reverse();
    const second = compilePatterns(next, first);
    expect(second).not.toBe(first);
    expect(keysOf(second)).toEqual(keyOrder(next));
    const old = new Map(first.map((p) => [`${p.flags}/${p.source}`, p]));
    expect(second.filter((p) => old.get(`${p.flags}/${p.source}`) === p)).toHaveLength(499);
    // The list it came from still answers as it did.
    expect(first.some((p) => p.test('p250-abc'))).toBe(true);
    expect(second.some((p) => p.test('p250-abc'))).toBe(false);
    expect(second.some((p) => p.test('extra'))).toBe(true);
    // And a third change made from the second sees the removal.
    const third = compilePatterns([...next, specs[250]!], second);
    expect(keysOf(third)).toEqual(keyOrder(specs.concat(spec('^extra$'), spec('^EXTRA$', 'i'))));
    expect(third.find((p) => p.source === specs[250]!.source && p.flags === specs[250]!.flags)!.test('P250-x')).toBe(
      specs[250]!.flags === 'i',
    );
  });

  it('an older list passed again as the one held still reuses its own patterns', () => {
    const specs = many(50);
    const first = compilePatterns(specs);
    const second = compilePatterns([...specs, spec('^a$')], first);
    const again = compilePatterns([...specs, spec('^b$')], first);
    expect(keysOf(again)).toEqual(keyOrder([...specs, spec('^b$')]));
    expect(again.filter((p) => first.includes(p))).toHaveLength(50);
    expect(second.some((p) => p.test('b'))).toBe(false);
    expect(again.some((p) => p.test('b'))).toBe(true);
  });

  it('a pattern listed twice is held once; one this engine cannot run is skipped', () => {
    const list = compilePatterns([spec('^a$'), spec('^a$'), spec('(a)\\1'), spec('^b$')]);
    expect(keysOf(list)).toEqual(['/^a$', '/^b$']);
  });

  it('the check after a change to a feature of 2,000 patterns parses and tests no held pattern again', async () => {
    const rollout = new Rollout(new MemoryBackend());
    await rollout.addFunc('many');
    for (let i = 0; i < 2000; i++) await rollout.register('many', new RegExp(`^p${i}-[a-z]+$`, i % 2 ? '' : 'i'));
    expect(await rollout.isEnabled('many', 'p42-abc')).toBe(true);
    await rollout.register('many', /^extra$/);
    // Rebuilding the combined matcher once asked each pattern, with a regular
    // expression, whether it was a literal: thousands of calls per change.
    const tests = jest.spyOn(RegExp.prototype, 'test');
    const execs = jest.spyOn(RegExp.prototype, 'exec');
    let answers: boolean[];
    let calls: number;
    try {
      answers = [
        await rollout.isEnabled('many', 'extra'),
        await rollout.isEnabled('many', 'P44-abc'),
        await rollout.isEnabled('many', 'p43-abc'),
        await rollout.isEnabled('many', 'nobody'),
      ];
      calls = tests.mock.calls.length + execs.mock.calls.length;
    } finally {
      tests.mockRestore();
      execs.mockRestore();
    }
    expect(answers).toEqual([true, true, true, false]);
    expect(calls).toBeLessThan(20);
  });
});

describe('automata made at their first run, tables shared', () => {
  it('a pattern whose automaton starts again when its memory is full still answers as RegExp does', () => {
    // Many input classes leave room for few states; counting to 40 needs more.
    const source = '^(?:\\p{Lu}\\p{Ll}|\\p{Ll}\\p{Lu}){1,40}$';
    const compiled = compilePattern(spec(source, 'u'));
    const native = new RegExp(source, 'u');
    const ids: string[] = [];
    for (let n = 1; n <= 45; n += 4) {
      ids.push('aB'.repeat(n), 'Ab'.repeat(n), `${'ΔΩ'.repeat(n)}x`, 'ΔωAb'.repeat(n), `${'Ab'.repeat(n)}A`);
    }
    for (let round = 0; round < 3; round++) {
      for (const id of ids) expect([id, compiled.test(id)]).toEqual([id, native.test(id)]);
    }
  });

  it('patterns sharing their small sets answer independently, whichever runs first', () => {
    const patterns = [spec('^[0-9]+$'), spec('^[0-9]+x$'), spec('^a[0-9]$', 'i'), spec('\\d\\b', 'u')];
    const ids = ['123', '123x', 'A5', 'a5x', '7 ', '7a', ''];
    for (const order of [patterns, [...patterns].reverse()]) {
      const compiled = order.map((p) => compilePattern(p));
      for (const id of ids) {
        for (const [i, p] of order.entries()) {
          expect([p.source, id, compiled[i]!.test(id)]).toEqual([p.source, id, new RegExp(p.source, p.flags).test(id)]);
        }
      }
    }
  });
});

describe('changes applied to a held list (a store that leaves the patterns out)', () => {
  it('gives the list a full compilation of the patterns after the changes gives, reusing every other pattern', () => {
    const specs = many(500);
    const first = compilePatterns(specs);
    const changes = [
      { added: [spec('^extra$'), spec('^EXTRA$', 'i')], removed: [specs[7]!, specs[9]!] },
      { added: [specs[9]!, spec('^late$', 'm')], removed: [spec('^extra$'), spec('^never-held$')] },
    ];
    const changed = changePatterns(first, changes);
    // After both changes, in order: specs less specs[7], plus ^EXTRA$ (i) and ^late$ (m).
    const after = [...specs.filter((_, i) => i !== 7), spec('^EXTRA$', 'i'), spec('^late$', 'm')];
    expect(keysOf(changed)).toEqual(keyOrder(after));
    expect(changed.filter((p) => first.includes(p))).toHaveLength(499);
    expect(changed.find((p) => p.source === '^EXTRA$')!.test('extra')).toBe(true);
    // What it gives next time is what a whole reload would give: the same list, nothing to do.
    expect(compilePatterns([...after].reverse(), changed)).toBe(changed);
  });

  it('without a net change, the very same list; an unrunnable pattern is skipped, as compilePatterns skips it', () => {
    const first = compilePatterns(many(20));
    expect(changePatterns(first, [])).toBe(first);
    expect(
      changePatterns(first, [
        { added: [spec('^x$')], removed: [] },
        { added: [], removed: [spec('^x$')] },
      ]),
    ).toBe(first);
    const unrunnable = spec('a'.repeat(2000));
    expect(() => compilePattern(unrunnable)).toThrow();
    expect(changePatterns(first, [{ added: [unrunnable], removed: [] }])).toBe(first);
  });
});
