import type { Explanation } from '@hanoi/core';
import {
  type ErrorCode,
  StandardResolutionReasons,
  type FlagMetadata,
  type ResolutionDetails,
  type ResolutionReason,
} from '@openfeature/server-sdk';

/**
 * The OpenFeature reason for a Hanoi explanation (`rollout.explain`):
 *
 * | Hanoi | OpenFeature |
 * |---|---|
 * | `disabled` | `DISABLED` |
 * | `everyone`, `no-user` when on (100%) | `STATIC` |
 * | `listed`, `pattern`, `rule` | `TARGETING_MATCH` |
 * | `bucket` when on | `SPLIT` |
 * | `bucket` or `no-user` when off, and any other reason off | `DEFAULT` |
 *
 * (`unknown` is the error `FLAG_NOT_FOUND`, decided before this.)
 *
 * @example
 * reasonOf({ enabled: true, reason: 'bucket', bucket: 3, percentage: 10 }); // 'SPLIT'
 */
export function reasonOf(explanation: Explanation): ResolutionReason {
  const reason: string = explanation.reason;
  switch (reason) {
    case 'disabled':
      return StandardResolutionReasons.DISABLED;
    case 'everyone':
      return StandardResolutionReasons.STATIC;
    case 'listed':
    case 'pattern':
    case 'rule':
      return StandardResolutionReasons.TARGETING_MATCH;
    case 'bucket':
      return explanation.enabled ? StandardResolutionReasons.SPLIT : StandardResolutionReasons.DEFAULT;
    case 'no-user':
      return explanation.enabled ? StandardResolutionReasons.STATIC : StandardResolutionReasons.DEFAULT;
    default:
      // Steps added to the evaluation later (prerequisites, the deny list, ...) that turn a feature on are targeting.
      return explanation.enabled ? StandardResolutionReasons.TARGETING_MATCH : StandardResolutionReasons.DEFAULT;
  }
}

/**
 * The explanation as flag metadata (flat strings, numbers and booleans):
 * `reason` is Hanoi's step (`bucket`, `pattern`, ...); numbers stay numbers;
 * a pattern reads `/source/flags`; anything else nested is its JSON.
 *
 * @example
 * metadataOf({ enabled: false, reason: 'bucket', bucket: 88, percentage: 10 }); // { reason: 'bucket', bucket: 88, percentage: 10 }
 */
export function metadataOf(explanation: Explanation): FlagMetadata {
  // The known steps are written out: this runs on every evaluation.
  switch (explanation.reason) {
    case 'bucket':
      return { reason: 'bucket', bucket: explanation.bucket, percentage: explanation.percentage };
    case 'no-user':
      return { reason: 'no-user', percentage: explanation.percentage };
    case 'pattern':
      return { reason: 'pattern', pattern: `/${explanation.pattern.source}/${explanation.pattern.flags}` };
    case 'unknown':
    case 'disabled':
    case 'everyone':
    case 'listed':
      return FIXED[explanation.reason];
    default:
      return flatten(explanation as Record<string, unknown>);
  }
}

// The explanations that carry nothing but their step share one frozen object each.
const FIXED = {
  unknown: Object.freeze({ reason: 'unknown' }),
  disabled: Object.freeze({ reason: 'disabled' }),
  everyone: Object.freeze({ reason: 'everyone' }),
  listed: Object.freeze({ reason: 'listed' }),
};

/** Any other explanation (steps core adds later): primitives as they are, the rest as JSON. */
function flatten(explanation: Record<string, unknown>): FlagMetadata {
  const metadata: FlagMetadata = {};
  for (const [key, value] of Object.entries(explanation)) {
    if (key === 'enabled' || value === undefined) continue;
    const primitive = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
    metadata[key] = primitive ? value : JSON.stringify(value);
  }
  return metadata;
}

/**
 * The resolution of a boolean flag for an explanation (not `unknown`, which
 * is an error): its `enabled` as the value, `reasonOf` and `metadataOf`.
 *
 * @example
 * booleanResolution({ enabled: true, reason: 'everyone' }); // { value: true, reason: 'STATIC', flagMetadata: { reason: 'everyone' } }
 */
export function booleanResolution(explanation: Explanation): ResolutionDetails<boolean> {
  return { value: explanation.enabled, reason: reasonOf(explanation), flagMetadata: metadataOf(explanation) };
}

/**
 * `booleanResolution`, for the explanations that are the same on every call
 * (a fixed step; a bucket against a percentage; no user against a
 * percentage): built once and shared, frozen, metadata and all, so that an
 * evaluation allocates nothing for them. Any other is built fresh.
 *
 * @example
 * sharedBooleanResolution({ enabled: false, reason: 'bucket', bucket: 88, percentage: 10 }); // { value: false, reason: 'DEFAULT', flagMetadata: { reason: 'bucket', bucket: 88, percentage: 10 } }
 */
export function sharedBooleanResolution(explanation: Explanation): ResolutionDetails<boolean> {
  switch (explanation.reason) {
    case 'everyone':
    case 'listed':
    case 'disabled':
      return FIXED_RESOLUTIONS[explanation.reason];
    case 'bucket': {
      const { bucket, percentage, enabled } = explanation;
      if (isSmallInteger(bucket, 99) && isSmallInteger(percentage, 100)) {
        return (BUCKET_RESOLUTIONS[(enabled ? 10_100 : 0) + bucket * 101 + percentage] ??= frozen(explanation));
      }
      break;
    }
    case 'no-user': {
      const { percentage, enabled } = explanation;
      if (isSmallInteger(percentage, 100)) {
        return (NO_USER_RESOLUTIONS[(enabled ? 101 : 0) + percentage] ??= frozen(explanation));
      }
      break;
    }
  }
  return booleanResolution(explanation);
}

function isSmallInteger(value: number, max: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= max;
}

/** A frozen resolution with frozen metadata: nothing in it can change. */
function frozen(explanation: Explanation): ResolutionDetails<boolean> {
  const resolution = booleanResolution(explanation);
  Object.freeze(resolution.flagMetadata);
  return Object.freeze(resolution);
}

// Per fixed step; per (enabled, bucket 0..99, percentage 0..100); per (enabled, percentage 0..100).
const FIXED_RESOLUTIONS = {
  everyone: frozen({ enabled: true, reason: 'everyone' }),
  listed: frozen({ enabled: true, reason: 'listed' }),
  disabled: frozen({ enabled: false, reason: 'disabled' }),
};
const BUCKET_RESOLUTIONS: (ResolutionDetails<boolean> | undefined)[] = new Array(2 * 100 * 101).fill(undefined);
const NO_USER_RESOLUTIONS: (ResolutionDetails<boolean> | undefined)[] = new Array(2 * 101).fill(undefined);

/** A resolution that is an error: the default value, reason `ERROR`, a code and a message. */
export interface ErrorResolution<T> {
  value: T;
  reason: ResolutionReason;
  errorCode: ErrorCode;
  errorMessage: string;
  flagMetadata?: FlagMetadata;
}

/**
 * An error resolution. Returned, not thrown: the SDK turns it into the
 * default value with this code, and runs the error hooks.
 *
 * @example
 * failure(false, ErrorCode.FLAG_NOT_FOUND, 'Feature "beta" does not exist.');
 */
export function failure<T>(value: T, errorCode: ErrorCode, errorMessage: string, flagMetadata?: FlagMetadata) {
  const resolution: ErrorResolution<T> = { value, reason: StandardResolutionReasons.ERROR, errorCode, errorMessage };
  if (flagMetadata) resolution.flagMetadata = flagMetadata;
  return resolution;
}
