import type { Explanation, Rollout, User } from '@hanoi/core';
import {
  ErrorCode,
  OpenFeatureEventEmitter,
  ProviderEvents,
  type EvaluationContext,
  type JsonValue,
  type Provider,
  type ResolutionDetails,
} from '@openfeature/server-sdk';
import { toHanoiUser } from './evaluation-context';
import { flagValue, type VariantFlagType } from './flag-value';
import { failure, sharedBooleanResolution, metadataOf, reasonOf } from './resolution';

/**
 * An OpenFeature server provider over a Hanoi `Rollout`: boolean flags are
 * `isEnabled`; string, number and object flags are the user's variant's
 * `value` (a string flag whose variant has no value reads its name); the
 * variant's name is the resolution's `variant`; a feature off for the user
 * gives the default value. `targetingKey` is the user id; with none, the
 * current Hanoi user (the request's, inside the Express or Koa middleware).
 * Evaluation never throws: every failure is an `ERROR` resolution with its
 * code. The common boolean resolutions (everyone, listed, disabled, a
 * bucket, no user) are frozen, metadata and all, and shared between
 * evaluations. Events: `PROVIDER_CONFIGURATION_CHANGED` with `flagsChanged`
 * for every change this process sees (from any process), `PROVIDER_STALE`
 * while the store is away, `PROVIDER_READY` once it is back.
 *
 * The provider opens nothing but its listener on the Rollout: `onClose`
 * stops that and leaves the Rollout, its backend and its Redis client to
 * their owner.
 *
 * @example
 * await OpenFeature.setProviderAndWait(new HanoiProvider(rollout));
 * const client = OpenFeature.getClient();
 * await client.getBooleanValue('beta', false, { targetingKey: 'u1' });
 */
export class HanoiProvider implements Provider {
  readonly metadata = { name: 'hanoi' } as const;
  readonly runsOn = 'server' as const;
  readonly events = new OpenFeatureEventEmitter();
  private loaded = false;
  private stale = false;
  private stopWatching: (() => void) | undefined;

  /**
   * @param rollout the Rollout to answer from; the provider never closes it.
   */
  constructor(private readonly rollout: Rollout<string>) {
    if (typeof rollout !== 'object' || rollout === null || typeof rollout.explain !== 'function') {
      throw new TypeError('new HanoiProvider(rollout): pass a Rollout from @hanoi/core.');
    }
  }

  /**
   * Waits for the store's first load (`rollout.ready()`). When the store
   * could not be reached by then, the provider is ready on what the process
   * knows (its bootstrap definitions) and says `PROVIDER_STALE` at once.
   */
  async initialize(): Promise<void> {
    this.stopWatching ??= this.rollout.watch({
      changed: (names) => {
        if (this.loaded) this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged: [...names] });
      },
      unavailable: (error) => {
        this.stale = true;
        if (this.loaded) this.events.emit(ProviderEvents.Stale, { message: messageOf(error) });
      },
      available: () => {
        this.stale = false;
        if (this.loaded) this.events.emit(ProviderEvents.Ready, { message: 'The store is answering again.' });
      },
    });
    await this.rollout.ready();
    this.loaded = true;
    // After the SDK has marked the provider ready, which it does when this resolves.
    if (this.stale)
      setImmediate(() => this.stale && this.events.emit(ProviderEvents.Stale, { message: 'The store is away.' }));
  }

  /** Stops listening to the Rollout; the Rollout and its store stay open. */
  async onClose(): Promise<void> {
    this.stopWatching?.();
    this.stopWatching = undefined;
    this.loaded = false;
  }

  resolveBooleanEvaluation(flagKey: string, defaultValue: boolean, context: EvaluationContext) {
    return this.resolve(flagKey, defaultValue, context, 'boolean');
  }

  resolveStringEvaluation(flagKey: string, defaultValue: string, context: EvaluationContext) {
    return this.resolve(flagKey, defaultValue, context, 'string');
  }

  resolveNumberEvaluation(flagKey: string, defaultValue: number, context: EvaluationContext) {
    return this.resolve(flagKey, defaultValue, context, 'number');
  }

  resolveObjectEvaluation<T extends JsonValue>(flagKey: string, defaultValue: T, context: EvaluationContext) {
    return this.resolve(flagKey, defaultValue, context, 'object');
  }

  private resolve<T>(
    flagKey: string,
    defaultValue: T,
    context: EvaluationContext,
    type: 'boolean' | VariantFlagType,
  ): Promise<ResolutionDetails<T>> {
    if (!this.loaded) {
      return Promise.resolve(
        failure(defaultValue, ErrorCode.PROVIDER_NOT_READY, 'The Hanoi provider is not initialised yet.'),
      );
    }
    let user: User | undefined;
    try {
      user = this.userOf(context);
      // Unknown, a boolean, or off: answered now, without a round trip and with no promise but the one returned.
      // (An unknown feature is never enabled.)
      const explanation = this.rollout.explainNow(flagKey, user);
      if (explanation && (type === 'boolean' || !explanation.enabled)) {
        return Promise.resolve(this.settle(flagKey, explanation, defaultValue, type));
      }
      return this.resolveAsync(flagKey, defaultValue, user, type, explanation).catch((err: unknown) =>
        this.failed(invalidContextOr(context, err), defaultValue),
      );
    } catch (err) {
      return Promise.resolve(this.failed(user === undefined ? err : invalidContextOr(context, err), defaultValue));
    }
  }

  private async resolveAsync<T>(
    flagKey: string,
    defaultValue: T,
    user: User | undefined,
    type: 'boolean' | VariantFlagType,
    known: Explanation | undefined,
  ): Promise<ResolutionDetails<T>> {
    const explanation = known ?? (await this.rollout.explain(flagKey, user));
    if (type === 'boolean' || !explanation.enabled) {
      return this.settle(flagKey, explanation, defaultValue, type);
    }
    return this.fromVariant(flagKey, defaultValue, user, type, explanation);
  }

  /** The resolution of a flag that needs no variant: unknown, a boolean, or off for the user. */
  private settle<T>(flagKey: string, explanation: Explanation, defaultValue: T, type: string): ResolutionDetails<T> {
    if (explanation.reason === 'unknown') {
      const message = `Feature ${JSON.stringify(flagKey)} does not exist. Add it with rollout.addFunc.`;
      return failure(defaultValue, ErrorCode.FLAG_NOT_FOUND, message);
    }
    if (type === 'boolean') return sharedBooleanResolution(explanation) as ResolutionDetails<T>;
    return { value: defaultValue, reason: reasonOf(explanation), flagMetadata: metadataOf(explanation) };
  }

  private failed<T>(err: unknown, defaultValue: T): ResolutionDetails<T> {
    // By code, not instanceof: an app may load the SDK's ESM and CJS builds side by side.
    const invalid = (err as { code?: unknown } | null)?.code === ErrorCode.INVALID_CONTEXT;
    const code = invalid ? ErrorCode.INVALID_CONTEXT : ErrorCode.GENERAL;
    return failure(defaultValue, code, messageOf(err));
  }

  /**
   * The Hanoi user for an evaluation context: the one place the context
   * reaches core. With attributes, the whole context goes on (rules read
   * them), its id the current Hanoi user's when `targetingKey` is absent; a
   * bare id takes core's fast path; an empty context means the current
   * Hanoi user.
   */
  private userOf(context: EvaluationContext): User | undefined {
    // A context that is a targetingKey alone (most evaluations) goes to core as it is: core checks
    // the id, and a failure there is mapped back to the context (invalidContextOr).
    const id = bareTargetingKey(context);
    if (id !== undefined) return id;
    const user = toHanoiUser(context);
    for (const name in user) {
      if (name === 'id') continue;
      if (user.id === undefined) {
        const current = this.rollout.getCurrentId();
        if (current !== undefined) user.id = current;
      }
      return user;
    }
    return user.id;
  }

  private async fromVariant<T>(
    flagKey: string,
    defaultValue: T,
    user: User | undefined,
    type: VariantFlagType,
    explanation: Explanation,
  ): Promise<ResolutionDetails<T>> {
    const metadata = metadataOf(explanation);
    const name = await this.rollout.variant(flagKey, user);
    const variant = name === undefined ? undefined : this.rollout.peek(flagKey)?.variants.find((v) => v.name === name);
    if (!variant) {
      const message = `Feature ${JSON.stringify(flagKey)} has no variants: a ${type} flag reads the user's variant.`;
      return failure(defaultValue, ErrorCode.TYPE_MISMATCH, message, metadata);
    }
    const picked = flagValue(type, variant);
    if (picked.mismatch !== undefined) return failure(defaultValue, ErrorCode.TYPE_MISMATCH, picked.mismatch, metadata);
    return { value: picked.value as T, variant: variant.name, reason: reasonOf(explanation), flagMetadata: metadata };
  }
}

/**
 * The `targetingKey` of a context that holds nothing else (as an own
 * property, a string), or `undefined` for any other context.
 */
function bareTargetingKey(context: EvaluationContext): string | undefined {
  let id: unknown;
  for (const name in context) {
    // (hasOwnProperty on the key for-in gives is a map check once optimised; Object.hasOwn is a call.)
    if (name !== 'targetingKey' || !Object.prototype.hasOwnProperty.call(context, name)) return undefined;
    id = context[name];
  }
  return typeof id === 'string' ? id : undefined;
}

/**
 * What to report when an evaluation threw after its context was taken as it
 * is: the context's own error (`INVALID_CONTEXT`) when it is not valid, else `err`.
 */
function invalidContextOr(context: EvaluationContext, err: unknown): unknown {
  try {
    toHanoiUser(context);
    return err;
  } catch (invalid) {
    return invalid;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
