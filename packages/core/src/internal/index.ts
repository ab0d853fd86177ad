// @hanoi/core/internal: what the other hanoi packages build on. Not a public
// API: it may change in any release.
export {
  parseAdapterOptions,
  parseGuardOptions,
  type AdapterConfig,
  type AdapterShape,
  type GuardConfig,
} from '../adapter-options';
export { explainFeature, isFeatureOn, needsLookup } from '../evaluate';
export { changePatterns, compilePatterns, FeatureCache } from '../feature-cache';
export { checkLookupAnswers } from '../answer-cache';
export { LookupLimiter } from '../lookup-limiter';
export { createReporter, type ErrorReporter } from '../reporter';
export { rememberedNotFound, rememberNotFound } from '../not-found';
export { revertWrite } from '../history';
export { checkHistoryLimit } from '../memory-store';
export { processActor } from '../write-scope';
export { withTimeout } from '../timeout';
