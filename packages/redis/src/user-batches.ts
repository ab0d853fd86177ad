import { BackendUnavailableError, FeatureNotFoundError } from '@hanoi/core';
import type { RedisStore } from './redis-store';
import { runScript } from './scripts';
import { WriteOutcomeUnknownError } from './timeouts';

/** Ids per script call: each call is atomic and short (Redis runs one script at a time). */
export const USERS_PER_BATCH = 1000;
/** Script calls per pipeline: one round trip, one timeout, for up to 20,000 ids (well inside the default writeTimeoutMs). */
export const BATCHES_PER_PIPELINE = 20;

/**
 * Registers (`sadd`) or unregisters (`srem`) many users: batches of 1,000
 * ids, each one atomic write script, sent 20 at a time in one pipeline (one
 * round trip), so a million ids take fifty round trips. Each batch is atomic;
 * the whole call is not: if a later pipeline fails after an earlier one
 * succeeded, the call rejects with HANOI_WRITE_OUTCOME_UNKNOWN (repeating it
 * is safe: registering twice changes nothing). Only the last batch's reply,
 * the feature's state after all of them, is applied to this process.
 *
 * @example
 * await writeUserBatches(store, 'beta', 'sadd', ids);
 */
export async function writeUserBatches(
  store: RedisStore,
  name: string,
  op: 'sadd' | 'srem',
  ids: readonly string[],
): Promise<void> {
  const { client, withUsers, config } = store.internals;
  const { writeTimeoutMs } = config;
  const what = `${op === 'sadd' ? 'Registering' : 'Unregistering'} ${ids.length} user(s) on feature ${JSON.stringify(name)}`;
  const batches: string[][] = [];
  for (let i = 0; i < ids.length; i += USERS_PER_BATCH) batches.push(ids.slice(i, i + USERS_PER_BATCH));
  let applied = false;
  for (let first = 0; first < batches.length; first += BATCHES_PER_PIPELINE) {
    const group = batches.slice(first, first + BATCHES_PER_PIPELINE);
    let results: [Error | null, unknown][];
    try {
      const until = Date.now() + writeTimeoutMs;
      const deadline = await store.writeDeadline(what, until);
      const pipeline = client.pipeline();
      group.forEach((batch, i) => {
        // Only the very last batch carries the user set back (RedisBackend holds it).
        const last = first + i === batches.length - 1;
        void runScript(
          pipeline,
          'write',
          store.featureKeys(name),
          store.writeArgs(name, op, deadline, withUsers && last, batch),
        );
      });
      results = (await store.awaitWrite(what, pipeline.exec(), until)) ?? [];
    } catch (err) {
      if (applied) throw new WriteOutcomeUnknownError(`${what} (some batches were applied)`, { cause: err });
      throw err;
    }
    for (const [i, [err, reply]] of results.entries()) {
      if (err) throw applied ? new WriteOutcomeUnknownError(what, { cause: err }) : err;
      try {
        store.applyWrite(name, what, reply, first + i === batches.length - 1);
      } catch (refused) {
        if (refused instanceof FeatureNotFoundError && !applied) throw refused;
        if (refused instanceof BackendUnavailableError && !applied) throw refused;
        throw new WriteOutcomeUnknownError(`${what} (some batches were applied)`, { cause: refused });
      }
      applied = true;
    }
  }
}
