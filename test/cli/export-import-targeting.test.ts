import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryBackend, Rollout } from '@hanoi/core';
import { ExitCode, run } from '@hanoi/cli';
import { everything } from '@hanoi/core/testing';
import { capture } from './capture';

// hanoi export / import carry targeting: segments, rules, deny lists,
// prerequisites and the unit, on an injected in-memory rollout.

function cliOn(rollout: Rollout) {
  const { io, output, clear } = capture();
  return async (...args: string[]) => {
    clear();
    const code = await run(['--redis', 'redis://unused.invalid:1', ...args], {
      io,
      openSession: async () => ({ rollout, close: async () => undefined }),
    });
    return { code, ...output() };
  };
}

async function segmentsOf(rollout: Rollout) {
  const names = (await rollout.listSegments()).sort();
  return Promise.all(
    names.map(async (name) => ({
      ...(await rollout.getSegment(name))!,
      users: (await rollout.getSegment(name))!.users.sort(),
    })),
  );
}

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'hanoi-targeting-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('export then import into an empty rollout gives back every feature and segment', async () => {
  const source = new Rollout(new MemoryBackend());
  await source.defineSegment('staff', { users: ['u9', 'u10'] });
  await source.defineSegment('pros', { constraints: [{ attribute: 'plan', operator: 'IN', values: ['pro'] }] });
  await source.addFunc('new_ui', {
    percentage: 20,
    rules: [{ name: 'staff', constraints: [{ operator: 'IN_SEGMENT', values: ['staff'] }] }],
  });
  await source.addFunc('reports', {
    by: 'companyId',
    variants: ['a', 'b'],
    requires: [
      { feature: 'new_ui', variants: [] },
      { feature: 'legacy', enabled: false },
    ],
    rules: [
      {
        constraints: [
          { attribute: 'version', operator: 'SEMVER_GTE', value: '2.1.0' },
          { attribute: 'currentTime', operator: 'DATE_BEFORE', value: new Date('2030-02-01T00:00:00Z') },
          { operator: 'IN_SEGMENT', values: ['pros'] },
        ],
        percentage: 50,
      },
    ],
  });
  await source.register('reports', ['acme-vip']);
  await source.deny('reports', ['acme', 'initech']);
  await source.addFunc('legacy', { enabled: false });

  const exported = await cliOn(source)('export');
  expect(exported.code).toBe(ExitCode.OK);
  const file = join(dir, 'export.json');
  writeFileSync(file, exported.out);

  const target = new Rollout(new MemoryBackend());
  const imported = await cliOn(target)('import', file);
  expect(imported).toMatchObject({ code: ExitCode.OK, err: '' });
  expect(await everything(target)).toEqual(await everything(source));
  expect(await segmentsOf(target)).toEqual(await segmentsOf(source));

  // Importing again changes nothing; a deny list and rules removed from the file are removed from the store.
  expect((await cliOn(target)('import', file)).code).toBe(ExitCode.OK);
  expect(await everything(target)).toEqual(await everything(source));
  await source.undeny('reports', 'initech');
  await source.setRules('new_ui', []);
  writeFileSync(file, (await cliOn(source)('export')).out);
  expect((await cliOn(target)('import', file)).code).toBe(ExitCode.OK);
  expect(await everything(target)).toEqual(await everything(source));
});

test('a bad rule in the file is a usage error and nothing is written', async () => {
  const target = new Rollout(new MemoryBackend());
  const file = join(dir, 'bad.json');
  writeFileSync(
    file,
    JSON.stringify({
      hanoi: 1,
      features: [
        { name: 'ok', percentage: 10 },
        { name: 'bad', rules: [{ constraints: [{ attribute: 'a', operator: 'NUM_GT', value: 'ten' }] }] },
      ],
    }),
  );
  const result = await cliOn(target)('import', file);
  expect(result.code).toBe(ExitCode.USAGE);
  expect(result.err).toContain('rules[0].constraints[0].value');
  expect(await target.listFuncs()).toEqual([]);
});
