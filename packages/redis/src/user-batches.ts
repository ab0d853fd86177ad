import { WriteOutcomeUnknownError, type StoreWriteResult, type WriteMeta } from '@hanoi/core';
import type { RedisStore } from './redis-store';
import { runScript } from './scripts';

/** Ids per script call: each call is atomic and short (Redis runs one script at a time). */
export const USERS_PER_BATCH = 1000;
/** Script calls per pipeline: one round trip, one timeout, for up to 20,000 ids (well inside the default writeTimeoutMs). */
export const BATCHES_PER_PIPELINE = 20;

/**
 * Registers (`sadd`) or unregisters (`srem`) users: batches of 1,000 ids,
 * each one atomic write script, sent 20 at a time in one pipeline (one
 * round trip), so a million ids take fifty round trips. Each batch is
 * atomic with its own history entry (the ids it changed); the whole call is not: if a later pipeline fails after an earlier
 * one succeeded, the call rejects with HANOI_WRITE_OUTCOME_UNKNOWN
 * (repeating it is safe: registering twice changes nothing). No reply
 * carries the user set: the result says what changed, and `previousV` is
 * the version before the first batch when no other write came between the
 * batches (-1 otherwise), so a process holding the users applies the ids.
 *
 * @example
 * await writeUserBatches(store, 'beta', 'sadd', ids);
 */
export async function writeUserBatches(
  store: RedisStore,
  name: string,
  op: 'sadd' | 'srem',
  ids: readonly string[],
  meta?: WriteMeta,
): Promise<StoreWriteResult> {
  const { client, config } = store;
  const describe = () =>
    `${op === 'sadd' ? 'Registering' : 'Unregistering'} ${ids.length} user(s) on feature ${JSON.stringify(name)}`;
  // One batch: one script call, without a pipeline (whose set-up costs more than the call itself).
  if (ids.length <= USERS_PER_BATCH) return store.writeOne(name, op, ids, meta, describe);
  const what = describe();
  const batches: string[][] = [];
  for (let i = 0; i < ids.length; i += USERS_PER_BATCH) batches.push(ids.slice(i, i + USERS_PER_BATCH));
  let first: StoreWriteResult | undefined;
  let last: StoreWriteResult | undefined;
  let chained = true;
  for (let start = 0; start < batches.length; start += BATCHES_PER_PIPELINE) {
    const group = batches.slice(start, start + BATCHES_PER_PIPELINE);
    let results: [Error | null, unknown][];
    try {
      const until = Date.now() + config.writeTimeoutMs;
      const deadline = await store.writeDeadline(what, until);
      const pipeline = client.pipeline();
      for (const batch of group) {
        void runScript(pipeline, 'write', store.featureKeys(name), store.writeArgs(name, op, deadline, batch, meta));
      }
      results = (await store.awaitWrite(what, pipeline.exec(), until)) ?? [];
    } catch (err) {
      if (first) throw new WriteOutcomeUnknownError(`${what} (some batches were applied)`, { cause: err });
      throw err;
    }
    for (const [err, reply] of results) {
      let result: StoreWriteResult;
      try {
        if (err) throw err;
        result = store.writeResult(name, what, reply);
      } catch (refused) {
        if (!first) throw refused;
        throw new WriteOutcomeUnknownError(`${what} (some batches were applied)`, { cause: refused });
      }
      if (last && (result.epoch !== last.epoch || result.previousV !== last.feature?.v)) chained = false;
      first ??= result;
      last = result;
    }
  }
  return { ...last!, previousV: chained ? first!.previousV : -1 };
}
