/**
 * What `call` throws or rejects with; fails the test when it succeeds.
 *
 * @example
 * expect(await refusal(() => rollout.setRules('f', bad))).toMatchObject({ field: 'rules' });
 */
export async function refusal(call: () => unknown): Promise<Error & { code?: string; field?: string }> {
  try {
    await call();
  } catch (err) {
    return err as Error & { code?: string; field?: string };
  }
  throw new Error('expected the call to be refused, and it succeeded');
}
