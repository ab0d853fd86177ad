export type { Backend } from './backend';
export { BackendListeners, type BackendListener } from './backend-events';
export { isHanoiError, isUserFeatures } from './brand';
export { bucket, crc32 } from './bucket';
export type { Guard, UserLocator } from './check';
export {
  BackendUnavailableError,
  ConflictError,
  FeatureDamagedError,
  FeatureDisabledError,
  FeatureNotFoundError,
  FeaturesNotMountedError,
  HanoiError,
  HistoryDamagedError,
  InUseError,
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
  JsonValue,
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
export { MemoryStore, type MemoryStoreOptions } from './memory-store';
export {
  DEFAULT_HISTORY_LIMIT,
  replay,
  type HistoryAction,
  type HistoryChange,
  type HistoryEntry,
  type HistoryPage,
  type HistoryQuery,
  type HistorySource,
  type ReplayedFeature,
  type WriteMeta,
} from './history';
export type { WriteScope } from './write-scope';
export type { HistoryOptions, ListIdsOptions } from './feature-admin';
export type {
  ChangedFeature,
  DamagedFeature,
  FeatureData,
  FeatureStore,
  LookupAnswer,
  LookupQuery,
  MemberList,
  MembersPage,
  MembersQuery,
  PatternChange,
  StoreChange,
  StoredFeature,
  StoreHead,
  StoreListener,
  StoreRead,
  StoreReadSince,
  StoreSnapshot,
  StoreWrite,
  StoreWriteResult,
  UserChange,
} from './store';
export { isDamaged } from './store';
export { MAX_MEMBERS_LIMIT, pageOfMembers } from './members';
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
export { cloneJson, MAX_VARIANT_VALUE_BYTES, MAX_VARIANT_VALUE_DEPTH, normalizeVariantValue } from './variant-value';
