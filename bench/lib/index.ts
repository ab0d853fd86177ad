export { describeMachine, machineLine, type Machine } from './machine';
export { runRounds, roundsFromEnv, type BenchCase, type CaseResult, type RoundsOptions } from './rounds';
export { formatNs, formatRatio, median, quantile, spread } from './stats';
export { markdownTable, type Column } from './table';
export { callgrindCount } from './callgrind';
