import { defineConfig } from 'tsup';
import base from '../../tsup.config.base';

// The shared build (../../tsup.config.base.ts), with two more entries: the
// contract suite (`@hanoi/core/testing`) and the internals other hanoi
// packages use (`@hanoi/core/internal`). Split, so every entry shares one
// copy of the classes (an error from one is `instanceof` in the other).
// `treeshake` makes Rollup write the split CommonJS chunks: without it, tsup
// converts them with sucrase, which lowers class fields to `__init` calls and
// `??` to closures, and a CommonJS user's request view and checks pay for
// them (benchmark.py's workload cold: 119 → 94 ms, checks 33 → 20 ms).
export default defineConfig({
  ...(base as object),
  entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts', 'internal/index': 'src/internal/index.ts' },
  splitting: true,
  treeshake: true,
});
