import type { Rollout } from '@hanoi/core';

/**
 * What the one-round-trip tests ask about in one request: 3 features, 2
 * segments, 2 deny lists, and units by id and `companyId`. Written through
 * `writer`.
 *
 * @example
 * await defineOneRequestFeatures(writer.rollout);
 */
export async function defineOneRequestFeatures(writer: Rollout): Promise<void> {
  await writer.defineSegment('big-customers', { users: ['c1', 'c2'] });
  await writer.defineSegment('testers', { users: ['u1', 'u9'] });
  const inSegment = (name: string) => [{ constraints: [{ operator: 'IN_SEGMENT' as const, values: [name] }] }];
  await writer.addFunc('company-beta', { by: 'companyId', rules: inSegment('big-customers') });
  await writer.deny('company-beta', 'c2');
  await writer.addFunc('listed', { percentage: 0 });
  await writer.register('listed', ['u1']);
  await writer.addFunc('testing', { rules: inSegment('testers') });
  await writer.deny('testing', 'u9');
}
