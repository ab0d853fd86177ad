import { MemoryBackend, Rollout } from '@hanoi/core';
import { ExitCode, run } from '@hanoi/cli';
import { capture } from './capture';

// `hanoi check <name> <user> --attr name=value ...`, embedded on an injected
// in-memory rollout (the one backend that stores rules today).

async function setup() {
  const rollout = new Rollout(new MemoryBackend());
  await rollout.defineSegment('testers', { users: ['u7'] });
  await rollout.addFunc('beta', {
    rules: [
      {
        name: 'Dutch pros',
        constraints: [
          { attribute: 'country', operator: 'IN', values: ['NL'] },
          { attribute: 'plan', operator: 'IN', values: ['pro'] },
        ],
      },
      { constraints: [{ operator: 'IN_SEGMENT', values: ['testers'] }] },
    ],
  });
  await rollout.deny('beta', 'u13');
  const { io, output, clear } = capture();
  const cli = async (...args: string[]) => {
    clear();
    const code = await run(['--redis', 'redis://unused.invalid:1', ...args], {
      io,
      openSession: async () => ({ rollout, close: async () => undefined }),
    });
    return { code, ...output() };
  };
  return cli;
}

test('check with --attr explains the rule that holds, or how each rule failed (bucket of u1: 22)', async () => {
  const cli = await setup();
  expect(await cli('check', 'beta', 'u1', '--attr', 'country=NL', '--attr', 'plan=pro')).toEqual({
    code: ExitCode.OK,
    out: 'on: rule #0 (Dutch pros) holds\n',
    err: '',
  });
  expect((await cli('check', 'beta', 'u1', '--attr', 'country=NL')).out).toBe(
    'off: bucket 22 is not under 0%; no rule holds (#0 (Dutch pros): constraint 1, #1: constraint 0)\n',
  );
  expect((await cli('check', 'beta', 'u7')).out).toBe('on: rule #1 holds\n');
  expect((await cli('check', 'beta', 'u13', '--attr', 'country=NL', '--attr', 'plan=pro')).out).toBe(
    'off: on the deny list\n',
  );
  const json = JSON.parse(
    (await cli('--json', 'check', 'beta', 'u1', '--attr', 'country=NL', '--attr', 'plan=pro')).out,
  );
  expect(json).toMatchObject({
    feature: 'beta',
    user: 'u1',
    enabled: true,
    reason: 'rule',
    rule: { index: 0, name: 'Dutch pros' },
  });
});

test('an --attr without = , or naming id, is a usage error (exit 2)', async () => {
  const cli = await setup();
  const run = await cli('check', 'beta', 'u1', '--attr', 'country');
  expect(run.code).toBe(ExitCode.USAGE);
  expect(run.err).toContain('--attr name=value');
  expect((await cli('check', 'beta', 'u1', '--attr', 'id=u2')).code).toBe(ExitCode.USAGE);
});

test('rules, deny, undeny and segment commands manage targeting on a backend that stores it', async () => {
  const cli = await setup();
  const rules = JSON.stringify([
    { name: 'Belgians', constraints: [{ attribute: 'country', operator: 'IN', values: ['BE'] }] },
  ]);
  expect((await cli('rules', 'beta', rules)).code).toBe(ExitCode.OK);
  expect((await cli('check', 'beta', 'u1', '--attr', 'country=BE')).out).toBe('on: rule #0 (Belgians) holds\n');
  expect((await cli('check', 'beta', 'u1', '--attr', 'country=NL', '--attr', 'plan=pro')).out).toMatch(/^off: /);
  expect((await cli('deny', 'beta', 'u1')).code).toBe(ExitCode.OK);
  expect((await cli('check', 'beta', 'u1', '--attr', 'country=BE')).out).toBe('off: on the deny list\n');
  expect((await cli('undeny', 'beta', 'u1')).code).toBe(ExitCode.OK);
  expect((await cli('check', 'beta', 'u1', '--attr', 'country=BE')).out).toBe('on: rule #0 (Belgians) holds\n');

  expect((await cli('segment', 'define', 'pros', '--users', 'u5,u6')).out).toBe('pros: 2 users, 0 constraints\n');
  expect((await cli('segment', 'register', 'pros', 'u9')).out).toBe('pros: 3 users, 0 constraints\n');
  expect((await cli('segment', 'unregister', 'pros', 'u5')).out).toBe('pros: 2 users, 0 constraints\n');
  const constraints = JSON.stringify([{ attribute: 'plan', operator: 'IN', values: ['pro'] }]);
  expect((await cli('segment', 'define', 'pros', '--constraints', constraints)).out).toBe(
    'pros: 2 users, 1 constraints\n',
  );
  expect(
    (await cli('rules', 'beta', JSON.stringify([{ constraints: [{ operator: 'IN_SEGMENT', values: ['pros'] }] }])))
      .code,
  ).toBe(ExitCode.OK);
  expect((await cli('check', 'beta', 'u9')).out).toBe('on: rule #0 holds\n');
  expect((await cli('check', 'beta', 'u2', '--attr', 'plan=pro')).out).toBe('on: rule #0 holds\n');
  expect((await cli('segment', 'list')).out).toBe('pros\ntesters\n');
  const refused = await cli('segment', 'remove', 'pros');
  expect(refused.code).toBe(ExitCode.CONFLICT);
  expect(refused.err).toContain('used by the rules of "beta"');
  expect((await cli('rules', 'beta', '--clear')).code).toBe(ExitCode.OK);
  expect((await cli('segment', 'remove', 'pros')).out).toBe('removed segment pros\n');
  const invalid = await cli(
    'rules',
    'beta',
    JSON.stringify([{ constraints: [{ attribute: 'a', operator: 'EQUALS', values: ['x'] }] }]),
  );
  expect(invalid.code).toBe(ExitCode.USAGE);
  expect(invalid.err).toContain('rules[0].constraints[0].operator');
  expect((await cli('rules', 'beta', 'not json')).code).toBe(ExitCode.USAGE);
});
