export type { Backend } from './backend';
export { isHanoiError, isUserFeatures } from './brand';
export { bucket, crc32 } from './bucket';
export type { Guard, UserLocator } from './check';
export {
  BackendUnavailableError,
  FeatureDamagedError,
  ConflictError,
  FeatureDisabledError,
  FeatureNotFoundError,
  FeaturesNotMountedError,
  HanoiError,
  InvalidArgumentError,
  MissingUserError,
  SegmentNotFoundError,
  UnsupportedError,
  WriteOutcomeUnknownError,
  type HanoiErrorCode,
} from './errors';
export { pickVariant, type Explanation, type RuleFailure } from './evaluate';
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
export { MemoryStore } from './memory-store';
export type {
  DamagedFeature,
  FeatureData,
  FeatureStore,
  StoreChange,
  StoredFeature,
  StoreHead,
  StoreListener,
  StoreRead,
  StoreSnapshot,
  StoreWrite,
  StoreWriteResult,
} from './store';
export { isDamaged } from './store';
export { DEFAULT_FEATURE, StoreBackend, type StoreBackendOptions } from './store-backend';
export type { LookupLimits } from './lookup-limiter';
export { compilePattern, matchesAny, patternSpec, type CompiledPattern, type PatternSpec } from './pattern';
export type { Logger } from './reporter';
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
