/**
 * The packages as a user gets them: each package under packages/ is packed,
 * the tarballs are installed with npm into a throwaway project, and that
 * project loads them with require() and import(), uses them, and type-checks
 * against their declarations. `pnpm test` builds dist first; a package whose
 * dist is missing is built here. HANOI_PACK_ONLY=core,express limits the run
 * to some packages (by folder) while one is being written.
 */
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startRedis, uniquePrefix, type RedisServer } from '../support/redis-server';
import {
  cleanEnv,
  ensureBuilt,
  exportTargets,
  manifestFiles,
  nodeJson,
  pack,
  run,
  runAll,
  workspacePackages,
  type Manifest,
  type Packed,
} from './pack-helpers';

const root = resolve(__dirname, '../..');
const only = process.env.HANOI_PACK_ONLY?.split(',').map((dir) => join(root, 'packages', dir.trim()));
const packages = workspacePackages(root).filter((pkg) => !only || only.includes(pkg.dir));
const names = packages.map((pkg) => pkg.manifest.name);
const has = (name: string) => names.includes(name);

// What each known package must export, by SPEC.md and the brief; a new package is held to the generic checks.
const EXPECTED_EXPORTS: Record<string, string[]> = {
  '@hanoi/core': [
    'Rollout',
    'MemoryBackend',
    'UserFeatures',
    'HanoiError',
    'FeatureNotFoundError',
    'FeatureDisabledError',
    'MissingUserError',
    'InvalidArgumentError',
    'BackendUnavailableError',
    'isUserFeatures',
    'isHanoiError',
    'bucket',
    'crc32',
    'murmur3',
    'variantPoint',
    'pickVariant',
    'compilePattern',
    'patternSpec',
    'StoreBackend',
    'MemoryStore',
  ],
  '@hanoi/redis': ['RedisBackend', 'RedisHighPerfBackend'],
  '@hanoi/postgres': ['PostgresBackend', 'PostgresStore', 'migrate'],
  '@hanoi/express': ['features', 'requireFeature', 'adminPage'],
  '@hanoi/koa': ['features', 'requireFeature', 'adminPage'],
  '@hanoi/admin': ['createAdminHandler', 'CsrfTokens', 'sameOrigin', 'readForm', 'mountBase', 'html', 'escapeHtml'],
  '@hanoi/openfeature': ['HanoiProvider', 'toHanoiUser', 'reasonOf', 'metadataOf', 'flagValue'],
};

const fixtures = join(root, 'test/fixtures');
const buckets = new Map(
  (
    JSON.parse(readFileSync(join(fixtures, 'bucketing.json'), 'utf8')) as { vectors: { id: string; bucket: number }[] }
  ).vectors.map((v) => [v.id, v.bucket] as const),
);
const variantFor443301 = (
  JSON.parse(readFileSync(join(fixtures, 'variant-vectors.json'), 'utf8')) as {
    cases: { feature: string; userId: string; variants: { name: string }[]; variant: string }[];
  }
).cases.find(
  (c) => c.feature === 'cdc_on' && c.userId === '443301' && c.variants.map((v) => v.name).join() === 'foo,bar',
)!.variant;

// What a user installs beside the packages: the newest ioredis (6 at the time of writing) and both frameworks.
const THIRD_PARTY = ['ioredis@latest', 'express', 'koa'];

let work: string;
let consumer: string;
let install: { ms: number; output: string };
const packed = new Map<string, Packed>();
const installed = (name: string) => join(consumer, 'node_modules', name);
const installedManifest = (name: string) =>
  JSON.parse(readFileSync(join(installed(name), 'package.json'), 'utf8')) as Manifest;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'hanoi-pack-'));
  const tarballs = join(work, 'tarballs');
  consumer = join(work, 'consumer');
  mkdirSync(tarballs);
  cpSync(join(__dirname, 'consumer'), consumer, { recursive: true });
  writeFileSync(
    join(consumer, 'package.json'),
    JSON.stringify({ name: 'hanoi-pack-consumer', private: true }, null, 2),
  );
  for (const pkg of packages) {
    ensureBuilt(pkg);
    packed.set(pkg.manifest.name, pack(pkg, tarballs));
  }
  const started = Date.now();
  const output = runAll(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--loglevel=warn',
      ...[...packed.values()].map((p) => p.filename),
      ...THIRD_PARTY,
    ],
    {
      cwd: consumer,
      timeout: 420_000,
    },
  );
  install = { ms: Date.now() - started, output };
}, 480_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

it('finds the workspace packages, core among them', () => {
  expect(names).toContain('@hanoi/core');
  expect(packed.size).toBe(packages.length);
});

describe(`npm install of every package with ${THIRD_PARTY.join(', ')}`, () => {
  it('finishes within a minute, without an ERESOLVE or peer dependency warning', () => {
    expect(install.output).not.toMatch(/ERESOLVE|overriding peer dependency|conflicting peer/i);
    expect(install.ms).toBeLessThan(60_000);
  });

  it('leaves a tree `npm ls` finds valid: no invalid, missing or extraneous package', () => {
    expect(() => run('npm', ['ls', '--all'], { cwd: consumer, timeout: 60_000 })).not.toThrow();
  });

  it('installs ioredis 6 and one copy of @hanoi/core', () => {
    expect(installedManifest('ioredis').version).toMatch(/^6\./);
    const cores = run('npm', ['ls', '@hanoi/core', '--all', '--parseable'], { cwd: consumer, timeout: 60_000 })
      .split('\n')
      .filter(Boolean);
    expect(new Set(cores)).toEqual(new Set([installed('@hanoi/core')]));
  });
});

describe.each(packages.map((pkg) => [pkg.manifest.name, pkg] as const))('%s', (name, pkg) => {
  it('ships its build and package.json, and no sources or tests', () => {
    const files = packed.get(name)!.files;
    expect(files).toContain('package.json');
    expect(files.filter((file) => /^src\/|\.test\.|^test\//.test(file))).toEqual([]);
  });

  it('is installed from its tarball, with workspace: ranges turned into versions', () => {
    const manifest = installedManifest(name);
    expect(manifest.version).toBe(pkg.manifest.version);
    expect(lstatSync(installed(name)).isSymbolicLink()).toBe(false);
    const ranges = { ...manifest.dependencies, ...manifest.peerDependencies };
    expect(Object.values(ranges).filter((range) => range.startsWith('workspace:'))).toEqual([]);
  });

  it('has every file its exports map and manifest name: .d.ts for import, .d.cts for require', () => {
    const targets = exportTargets(pkg.manifest);
    expect(targets.length).toBeGreaterThan(0);
    for (const target of targets)
      expect(`${target.file}: ${existsSync(join(installed(name), target.file))}`).toBe(`${target.file}: true`);
    for (const file of manifestFiles(pkg.manifest))
      expect(`${file}: ${existsSync(join(installed(name), file))}`).toBe(`${file}: true`);
    const types = targets.filter((t) => t.conditions.at(-1) === 'types');
    expect(types.find((t) => t.conditions.includes('import'))?.file).toMatch(/\.d\.ts$/);
    expect(types.find((t) => t.conditions.includes('require'))?.file).toMatch(/\.d\.cts$/);
  });

  it('loads with require() and import(), exporting the same names', () => {
    const { cjs, esm } = nodeJson<Record<string, { cjs: string[]; esm: string[] }>>(consumer, ['exports.mjs', name])[
      name
    ]!;
    expect(cjs.length).toBeGreaterThan(0);
    expect(esm).toEqual(cjs);
    expect(cjs).toEqual(expect.arrayContaining(EXPECTED_EXPORTS[name] ?? []));
  });

  it('is installed once, so every package shares one copy of what it depends on', () => {
    const nested = (dir: string): string[] =>
      existsSync(dir)
        ? readdirSync(dir).flatMap((entry) => {
            const path = join(dir, entry);
            if (entry === '@hanoi') return readdirSync(path).map((sub) => join(path, sub));
            return entry.startsWith('@')
              ? readdirSync(path).flatMap((sub) => nested(join(path, sub, 'node_modules')))
              : nested(join(path, 'node_modules'));
          })
        : [];
    expect(nested(join(installed(name), 'node_modules'))).toEqual([]);
  });

  const bins =
    typeof pkg.manifest.bin === 'string' ? { [name.split('/').pop()!]: pkg.manifest.bin } : (pkg.manifest.bin ?? {});
  for (const bin of Object.keys(bins)) {
    it(`runs its bin, ${bin} --help`, () => {
      const out = run(process.execPath, [join(consumer, 'node_modules/.bin', bin), '--help'], {
        cwd: consumer,
        timeout: 60_000,
      });
      expect(out).toMatch(new RegExp(`\\b${bin}\\b`));
    });
  }
});

describe('@hanoi/core, used from the installed package', () => {
  type Use = {
    bucket444401: number;
    crcCheck: number;
    isEnabled: Record<string, boolean>;
    noUser: boolean;
    unknown: boolean;
    variant: string;
    guarded: string;
    denied: string;
    percentageAfterInvalid: number;
    forUser: boolean;
    invalid: { name: string; code: string; isHanoiError: boolean };
  };
  let observed: { esm: Use; cjs: Use; sharedCurrentUser: string | null };
  beforeAll(() => {
    observed = nodeJson(consumer, ['core-use.mjs']);
  });

  it.each(['esm', 'cjs'] as const)('answers by the SPEC and the vectors (%s)', (build) => {
    const use = observed[build];
    expect(use.bucket444401).toBe(buckets.get('444401'));
    expect(use.crcCheck).toBe(0xcbf43926);
    // cdc_on: 80%, 447568110000 listed, /01$/: on when listed, matching, or bucket < 80.
    expect(use.isEnabled).toEqual({
      '447568110000': true,
      '444401': /01$/.test('444401'),
      '44488': buckets.get('44488')! < 80,
      '443301': true,
    });
    expect(use.isEnabled['44488']).toBe(false);
    expect(use.noUser).toBe(false); // no user: enabled && percentage === 100
    expect(use.unknown).toBe(false);
    expect(use.variant).toBe(variantFor443301);
    expect(use.guarded).toBe('ran for 443301');
    expect(use.denied).toBe('HANOI_FEATURE_DISABLED');
    expect(use.invalid).toEqual({ name: 'InvalidArgumentError', code: 'HANOI_INVALID_ARGUMENT', isHanoiError: true });
    expect(use.percentageAfterInvalid).toBe(80);
    expect(use.forUser).toBe(false);
  });

  it('shares one current user between the ESM and CJS builds', () => {
    expect(observed.sharedCurrentUser).toBe('u-42');
  });
});

const adapters = ['express', 'koa'].filter((framework) => has(`@hanoi/${framework}`));
for (const [framework, build] of adapters.flatMap(
  (f) =>
    [
      [f, 'esm'],
      [f, 'cjs'],
    ] as const,
)) {
  describe(`@hanoi/${framework} over HTTP (${build})`, () => {
    it('lets a listed user in and hides the feature from others with a 404', () => {
      const answers = nodeJson<Record<string, { status: number; body: unknown }>>(consumer, [
        'http-use.mjs',
        framework,
        build,
      ]);
      expect(answers.alice).toEqual({ status: 200, body: { beta: true, current: 'alice' } });
      expect(answers.bob!.status).toBe(404);
      expect(answers.anonymous!.status).toBe(404);
    });

    const appBuild = build === 'esm' ? 'cjs' : 'esm';
    it(`guards an app whose own @hanoi/core is the ${appBuild} build: 200 for a listed user, 404 for others`, () => {
      const answers = nodeJson<Record<string, { status: number; body: unknown }>>(consumer, [
        'http-use.mjs',
        framework,
        build,
        appBuild,
      ]);
      expect(answers.alice).toEqual({ status: 200, body: { beta: true, current: 'alice' } });
      expect(answers.bob!.status).toBe(404);
      expect(answers.anonymous!.status).toBe(404);
    });
  });
}

if (has('@hanoi/redis')) {
  describe('@hanoi/redis, used from the installed package on a real redis-server', () => {
    let server: RedisServer;
    beforeAll(async () => {
      server = await startRedis({ persist: false });
    }, 60_000);
    afterAll(async () => {
      await server?.stop();
    });

    type Answers = {
      writer: Record<string, boolean>;
      reader: Record<string, boolean>;
      readerVariant: string;
      readerFunc: { percentage: number; users: string[]; patterns: unknown[] };
    };
    it.each(['esm', 'cjs'])(
      'writes through one Rollout and reads through another (%s)',
      (build) => {
        const observed = nodeJson<Record<string, Answers>>(consumer, [
          'redis-use.mjs',
          build,
          server.url,
          uniquePrefix('pack'),
        ]);
        const expected = { '447568110000': true, '444401': true, '44488': buckets.get('44488')! < 80, '443301': true };
        expect(Object.keys(observed).sort()).toEqual(['RedisBackend', 'RedisHighPerfBackend']);
        for (const answers of Object.values(observed)) {
          expect(answers.writer).toEqual(expected);
          expect(answers.reader).toEqual(expected);
          expect(answers.readerVariant).toBe(variantFor443301);
          expect(answers.readerFunc).toMatchObject({
            percentage: 80,
            users: ['447568110000'],
            patterns: [{ source: '01$', flags: '' }],
          });
        }
      },
      60_000,
    );

    if (has('@hanoi/cli')) {
      it('is changed and read by the installed hanoi binary (on the ioredis it was installed with)', () => {
        const hanoi = (...args: string[]) =>
          run(
            process.execPath,
            [join(consumer, 'node_modules/.bin/hanoi'), '--redis', server.url, '--prefix', prefix, ...args],
            { cwd: consumer, timeout: 60_000 },
          );
        const prefix = uniquePrefix('pack-cli');
        hanoi('add', 'beta', '--percentage', '30');
        hanoi('register', 'beta', 'alice');
        const listed = JSON.parse(hanoi('--json', 'list')) as unknown;
        expect(listed).toEqual([
          expect.objectContaining({ name: 'beta', enabled: true, percentage: 30, userCount: 1 }),
        ]);
      });

      it('exits 4, within its --timeout, when Redis is not there (on the ioredis it was installed with)', () => {
        const started = Date.now();
        const result = spawnSync(
          process.execPath,
          [join(consumer, 'node_modules/.bin/hanoi'), '--redis', 'redis://127.0.0.1:1', '--timeout', '500', 'list'],
          { cwd: consumer, env: cleanEnv(), encoding: 'utf8', timeout: 30_000 },
        );
        expect({ status: result.status, stderr: result.stderr }).toEqual({
          status: 4,
          stderr: expect.stringMatching(/127\.0\.0\.1:1/),
        });
        expect(Date.now() - started).toBeLessThan(15_000);
      });
    }
  });
}

it('type-checks for a user, in ESM and in CJS (module nodenext)', () => {
  const imports = names
    .map((name, i) => `import * as p${i} from '${name}';\nexport const names${i} = Object.keys(p${i});`)
    .join('\n');
  const use = [
    `import { MemoryBackend, Rollout, type UserFeatures } from '@hanoi/core';`,
    `const rollout = new Rollout<'cdc_on'>(new MemoryBackend());`,
    `export const on: Promise<boolean> = rollout.isEnabled('cdc_on', '443301');`,
    `export const variant: Promise<string | undefined> = rollout.variant('cdc_on', 42);`,
    `export const view: Promise<UserFeatures<'cdc_on'>> = rollout.forUser('443301');`,
    `// @ts-expect-error: a feature this rollout does not declare`,
    `void rollout.isEnabled('cdc_off', '1');`,
  ].join('\n');
  for (const ext of ['mts', 'cts']) writeFileSync(join(consumer, `use.${ext}`), `${imports}\n${use}\n`);
  writeFileSync(
    join(consumer, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: [],
      },
      files: ['use.mts', 'use.cts'],
    }),
  );
  const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  expect(() => run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: consumer, timeout: 120_000 })).not.toThrow();
});
