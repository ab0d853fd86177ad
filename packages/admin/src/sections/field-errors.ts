import { HanoiError } from '@hanoi/core';
import type { FieldError } from './section';

/**
 * Runs a write and turns what the Rollout refused (bad input, a store that
 * is away) into the message shown beside `field`. A missing feature and
 * anything unexpected are thrown on.
 *
 * @example
 * return refusedAs('percentage', () => rollout.setPercentage(name, 25));
 */
export async function refusedAs(field: string, write: () => Promise<unknown>): Promise<FieldError | void> {
  try {
    await write();
  } catch (err) {
    if (err instanceof HanoiError && err.code !== 'HANOI_FEATURE_NOT_FOUND') return { field, message: err.message };
    throw err;
  }
}

/**
 * Reads a whole percentage, 0..100, as typed in a form.
 *
 * @example
 * parsePercentage(' 25 '); // 25
 */
export function parsePercentage(text: string | null): number | undefined {
  const trimmed = (text ?? '').trim();
  if (!/^\d{1,3}$/.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return value <= 100 ? value : undefined;
}

export const PERCENTAGE_MESSAGE = 'Enter a whole number from 0 to 100.';
