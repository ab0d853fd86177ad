/**
 * Runs `write` over every item of `items`, with at most `inFlight` writes
 * waiting at once: the next batch is read while earlier ones travel, and
 * reading stops (back-pressure) while the window is full. The first failure
 * stops reading; writes already sent are awaited, then it is thrown.
 *
 * @example
 * await writePipelined(idBatches('ids.txt', 1000, report), (batch) => rollout.register('beta', batch.ids), 4);
 */
export async function writePipelined<T>(
  items: AsyncIterable<T>,
  write: (item: T) => Promise<void>,
  inFlight: number,
): Promise<void> {
  const pending = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  for await (const item of items) {
    if (failure) break;
    const sent: Promise<void> = write(item)
      .catch((error: unknown) => {
        failure ??= { error };
      })
      .finally(() => pending.delete(sent));
    pending.add(sent);
    if (pending.size >= inFlight) await Promise.race(pending);
  }
  await Promise.all(pending);
  if (failure) throw failure.error;
}
