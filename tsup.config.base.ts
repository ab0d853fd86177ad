import { defineConfig } from 'tsup';

/** One build for every package: ESM and CJS with type declarations, for Node 20. */
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
});
