/**
 * What the Express and Koa concurrency suites share: a rollout whose backend
 * counts how often each user's feature is looked at, a service that knows
 * nothing of requests, and the answers each user should get, worked out
 * without the middleware.
 */
import { readFile } from 'node:fs/promises';
import { MemoryBackend, Rollout, type FeatureName, type FeatureState } from '@hanoi/core';
import { independentBucket, sleep } from './http-frameworks';

export const REQUESTS = 200;

/** Request `i`'s user: every fifth request is anonymous. */
export function userOf(i: number): string | undefined {
  return i % 5 === 4 ? undefined : `u-${i}`;
}

/** A MemoryBackend that counts reads of a feature per current user: how often it was evaluated. */
class CountingBackend extends MemoryBackend {
  readonly reads = new Map<string, number>();
  currentId: () => string | undefined = () => undefined;

  override peek(name: string): FeatureState | undefined {
    const key = `${this.currentId() ?? '(anonymous)'} ${name}`;
    this.reads.set(key, (this.reads.get(key) ?? 0) + 1);
    return super.peek(name);
  }
}

/** `beta` lists the users with an even number; `checkout` is at 30%; `cdc_on` splits everyone in two. */
export async function loadRollout(): Promise<{ rollout: Rollout<FeatureName>; reads: Map<string, number> }> {
  const backend = new CountingBackend();
  const rollout = new Rollout<FeatureName>(backend);
  backend.currentId = () => rollout.getCurrentId();
  await rollout.addFunc('everyone', { percentage: 100 });
  await rollout.addFunc('beta', { percentage: 0 });
  const even = Array.from({ length: REQUESTS }, (_, i) => userOf(i)).filter((id, i) => id !== undefined && i % 2 === 0);
  await rollout.register('beta', even as string[]);
  await rollout.addFunc('checkout', { percentage: 30 });
  await rollout.addFunc('cdc_on', { percentage: 100, variants: ['foo', 'bar'] });
  backend.reads.clear();
  return { rollout, reads: backend.reads };
}

/**
 * Deep inside the app, with no request in sight: waits on a timer and on the
 * disk, then asks the rollout about "the current user".
 */
export async function service(rollout: Rollout<FeatureName>) {
  await sleep(Math.floor(Math.random() * 25));
  await readFile(__filename);
  return {
    current: rollout.getCurrentId() ?? null,
    beta: await rollout.isEnabled('beta'),
    checkout: await rollout.isEnabled('checkout'),
    variant: (await rollout.variant('cdc_on')) ?? null,
  };
}

/** What request `i` must see, everywhere in it. */
export async function expected(rollout: Rollout<FeatureName>, i: number) {
  const id = userOf(i);
  const answers = {
    current: id ?? null,
    beta: id !== undefined && i % 2 === 0,
    checkout: id !== undefined && independentBucket(id) < 30,
    // Outside any request, by explicit id: core's variant is pinned by its own golden vectors.
    variant: id === undefined ? null : ((await rollout.variant('cdc_on', id)) ?? null),
  };
  return { user: id ?? null, handler: answers, service: answers };
}
