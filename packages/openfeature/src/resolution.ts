import type { Explanation } from '@hanoi/core';
import {
  ErrorCode,
  StandardResolutionReasons,
  type FlagMetadata,
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
  const metadata: FlagMetadata = {};
  for (const [key, value] of Object.entries(explanation)) {
    if (key === 'enabled' || value === undefined) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') metadata[key] = value;
    else if (key === 'pattern') metadata[key] = `/${value.source}/${value.flags}`;
    else metadata[key] = JSON.stringify(value);
  }
  return metadata;
}

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
