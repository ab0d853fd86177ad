/**
 * What the Express and Koa fail-closed suites share: a rollout whose store
 * can be made to fail, and what a client can tell of an answer.
 */
import { MemoryBackend, Rollout, type FeatureName } from '@hanoi/core';
import type request from 'supertest';

/** A store whose reads can be made to fail: the one fault these suites inject. */
export class FaultyBackend extends MemoryBackend {
  broken = false;
  override peek(name: string): ReturnType<MemoryBackend['peek']> {
    if (this.broken) throw new Error(`reading ${name} failed`);
    return super.peek(name);
  }
}

/** `admin_tools`, on for the listed user `staff-1` only. */
export async function makeGuardedRollout(): Promise<{ rollout: Rollout<FeatureName>; backend: FaultyBackend }> {
  const backend = new FaultyBackend();
  const rollout = new Rollout<FeatureName>(backend);
  await rollout.addFunc('admin_tools', { percentage: 0 });
  await rollout.register('admin_tools', 'staff-1');
  return { rollout, backend };
}

/** Every header a client sees but the date, with the status and body. */
export function seenWhole(res: request.Response) {
  const { date: _date, ...headers } = res.headers as Record<string, string>;
  return { status: res.status, headers, body: res.text };
}
