export type { Backend } from './backend';
export { BackendListeners, type BackendListener } from './backend-events';
export { bucket, crc32 } from './bucket';
export type { Guard, UserLocator } from './check';
export {
  BackendUnavailableError,
  FeatureDisabledError,
  FeatureNotFoundError,
  HanoiError,
  InvalidArgumentError,
  MissingUserError,
} from './errors';
export { explainFeature, isFeatureOn, needsLookup, pickVariant, type Explanation } from './evaluate';
export type {
  FeatureFields,
  FeatureOptions,
  FeatureSnapshot,
  FeatureState,
  JsonValue,
  Variant,
  VariantInput,
} from './feature';
export { MemoryBackend } from './memory-backend';
export { compilePattern, matchesAny, patternSpec, type CompiledPattern, type PatternSpec } from './pattern';
export { createReporter, type ErrorReporter, type Logger } from './reporter';
export type { FeatureName, Register } from './register';
export { Rollout, type RolloutOptions, type UserId } from './rollout';
export { UserFeatures } from './user-features';
export {
  assertName,
  assertPercentage,
  MAX_NAME_LENGTH,
  MAX_USER_ID_LENGTH,
  MAX_VARIANTS,
  normalizeUserId,
  normalizeVariants,
} from './validate';
export { murmur3, variantPoint } from './variant-hash';
export { cloneJson, MAX_VARIANT_VALUE_BYTES, MAX_VARIANT_VALUE_DEPTH, normalizeVariantValue } from './variant-value';
export {
  parseAdapterOptions,
  parseGuardOptions,
  type AdapterConfig,
  type AdapterShape,
  type GuardConfig,
} from './adapter-options';
