import { defineConfig } from 'tsup';

// Two entries: the library (`run`, for embedding and in-process use) and the
// `hanoi` binary. tsup keeps cli.ts's shebang and marks dist/cli.js executable.
export default defineConfig({
  entry: ['src/index.ts', 'src/cli.ts'],
  format: ['esm', 'cjs'],
  dts: { entry: 'src/index.ts' },
  clean: true,
  sourcemap: true,
  target: 'node20',
});
