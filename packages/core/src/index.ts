export type { Backend } from './backend';
export { bucket, crc32 } from './bucket';
export type { Guard, UserLocator } from './check';
export {
  BackendUnavailableError,
  ConflictError,
  FeatureDisabledError,
  FeatureNotFoundError,
  HanoiError,
  InvalidArgumentError,
  MissingUserError,
  SegmentNotFoundError,
  UnsupportedError,
} from './errors';
export { explainFeature, isFeatureOn, needsLookup, pickVariant, type Explanation, type RuleFailure } from './evaluate';
export type {
  FeatureFields,
  FeatureOptions,
  FeatureSnapshot,
  FeatureState,
  TargetingOptions,
  Variant,
  VariantInput,
} from './feature';
export { OPERATORS, type AttributeName, type Constraint, type Operator } from './constraints';
export { normalizeRules, type Rule } from './rules';
export {
  normalizeSegmentConstraints,
  type SegmentDefinition,
  type SegmentFields,
  type SegmentSnapshot,
  type SegmentState,
} from './segments';
export { normalizePrerequisites, type Prerequisite } from './prerequisites';
export { decide, explainFor, isOnFor, type Targeting, type TargetingEnv } from './targeting';
export {
  normalizeContext,
  sanitizeContext,
  type AnyAttributes,
  type AttributeValue,
  type Context,
  type User,
  type UserContext,
} from './user-context';
export { MemoryBackend } from './memory-backend';
export { compilePattern, matchesAny, patternSpec, type CompiledPattern, type PatternSpec } from './pattern';
export { createReporter, type ErrorReporter, type Logger } from './reporter';
export type { AttributesOf, FeatureName, Register, RegisteredAttributes } from './register';
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
export {
  parseAdapterOptions,
  parseGuardOptions,
  type AdapterConfig,
  type AdapterShape,
  type GuardConfig,
} from './adapter-options';
