import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context } from './user-context';

/** What one async flow (a request, a job) carries: its user and the answers already worked out for it. */
export interface CurrentUser {
  readonly id: string | undefined;
  /** The user's attributes, when the user was given as a context; `undefined` for a plain id. */
  readonly context: Context | undefined;
  /**
   * Per-Rollout answers for this user, shared by the guard, the handler and
   * deeper calls: `views.get(rollout)`. Read through `get` alone, so that a
   * flow started by another copy of @hanoi/core (whose `views` may be a `Map`)
   * reads the same.
   */
  readonly views: Views;
}

/** What `CurrentUser.views` offers: the answers one Rollout shares in this flow, if any. */
export interface Views {
  get(owner: object): unknown;
}

/** A flow with no shared answers. */
const NO_VIEWS: Views = Object.freeze({ get: () => undefined });

/**
 * The answers of the one Rollout a flow shares them for (`withFeatures` runs
 * a flow for one): every request makes one, and it is cheaper to build than
 * a `Map` of one entry.
 */
export class SharedView implements Views {
  constructor(
    private readonly owner: object,
    private readonly view: unknown,
  ) {}

  get(owner: object): unknown {
    return owner === this.owner ? this.view : undefined;
  }
}

// One store per process, even when both the ESM and the CJS build are loaded:
// an app importing one and an adapter requiring the other still share a user.
const KEY = Symbol.for('hanoi.current-user');
const holder = globalThis as { [KEY]?: AsyncLocalStorage<CurrentUser> };
const storage: AsyncLocalStorage<CurrentUser> = (holder[KEY] ??= new AsyncLocalStorage<CurrentUser>());

/** The current flow's user, if any. */
export function currentUser(): CurrentUser | undefined {
  return storage.getStore();
}

/** Runs `fn` with `id` (and `context`, if given) current; nothing leaks out of it. */
export function runAsUser<T>(id: string | undefined, fn: () => T, views: Views = NO_VIEWS, context?: Context): T {
  return storage.run({ id, context, views }, fn);
}

/** Makes `id` (and `context`, if given) current for the rest of this flow and what it starts. */
export function enterAsUser(id: string | undefined, context?: Context): void {
  storage.enterWith({ id, context, views: NO_VIEWS });
}
