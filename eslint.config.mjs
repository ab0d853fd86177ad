// ESLint (flat config) with typescript-eslint's type-aware rules. The
// TypeScript files are linted against the root tsconfig.json (one strict
// program, @hanoi/* mapped to the sources), so linting needs no build.
// `pnpm lint` runs it; `npm test` and CI run it before the suites.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'coverage/**', '.tmp/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { project: ['./tsconfig.json'], tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // The reason for the gate: a promise nobody awaits or hands to a
      // callback that ignores it loses its rejection (and, on the request
      // path, crashes the process or answers nothing).
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // `typeof import('express')` names a module's type without loading it: allowed.
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // Express's and Koa's typings are extended through `declare global { namespace Express }`.
      '@typescript-eslint/no-namespace': ['error', { allowDeclarations: true }],

      // Off, with the reason:
      // - `async` on a method that does not await is how a synchronous
      //   implementation of a Promise-returning contract (MemoryBackend, a
      //   test double) turns a throw into a rejection, as the contract says.
      '@typescript-eslint/require-await': 'off',
      // - The no-unsafe-* family fires where values are `any` by their
      //   source's own typings: option and import parsers that check an
      //   untrusted value field by field (test/hostile feeds them garbage),
      //   JSON.parse, and supertest's `res.body`. Typing those as `unknown`
      //   first would add casts, not safety.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // - Stylistic: a redundant `!` or `as` changes no behaviour, and which
      //   ones are redundant shifts with each TypeScript and @types release.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // - Rejections pass on what was caught (`unknown`) unchanged; wrapping
      //   it in an Error would hide a HanoiError's class and code.
      '@typescript-eslint/prefer-promise-reject-errors': 'off',
    },
  },
  {
    files: ['test/**/*.ts', 'examples/**/*.test.ts', 'bench/**/*.ts'],
    rules: {
      // Suites load framework majors under npm aliases (express4, koa2...)
      // and second copies of a module with require(); benchmarks pass
      // methods of ioredis and the contenders around as plain functions.
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/unbound-method': 'off',
      // Tests feed ids with control characters (\x00) on purpose.
      'no-control-regex': 'off',
    },
  },
  {
    // Plain JavaScript (scripts, configs, the pack test's consumer, the CLI's
    // bin) and the build configs, which no tsconfig includes: no type information.
    files: ['**/*.{js,mjs,cjs}', '**/tsup.config*.ts'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: {
      globals: {
        ...Object.fromEntries(
          ['process', 'console', 'URL', 'fetch', 'setTimeout', 'clearTimeout', 'Buffer'].map((name) => [
            name,
            'readonly',
          ]),
        ),
      },
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
