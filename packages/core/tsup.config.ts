import { defineConfig } from 'tsup';
import base from '../../tsup.config.base';

// The shared build (../../tsup.config.base.ts), with two more entries: the
// contract suite (`@hanoi/core/testing`) and the internals other hanoi
// packages use (`@hanoi/core/internal`). Split, so every entry shares one
// copy of the classes (an error from one is `instanceof` in the other).
export default defineConfig({
  ...(base as object),
  entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts', 'internal/index': 'src/internal/index.ts' },
  splitting: true,
});
