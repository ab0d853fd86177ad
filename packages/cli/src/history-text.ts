import type { HistoryChange, HistoryEntry } from '@hanoi/core';
import { formatPattern, formatVariants } from './format';

const SHOWN_IDS = 5;

/** A field's value for people: on/off, 10%, a,b, or JSON. */
function formatValue(field: string, value: unknown): string {
  if (field === 'enabled') return value ? 'on' : 'off';
  if (field === 'percentage') return `${String(value)}%`;
  if (field === 'variants') return formatVariants(value as never);
  return JSON.stringify(value);
}

/** A few ids, then how many more: a batch of 1,000 users stays one line. */
function listed(sign: string, items: readonly string[]): string {
  const shown = items.slice(0, SHOWN_IDS).map((item) => sign + item);
  if (items.length > SHOWN_IDS) shown.push(`(+${items.length - SHOWN_IDS} more)`);
  return shown.join(' ');
}

function setChanges(before: HistoryChange, after: HistoryChange): string[] {
  const parts: string[] = [];
  if (after.users?.length) parts.push(`users ${listed('+', after.users)}`);
  if (before.users?.length) parts.push(`users ${listed('-', before.users)}`);
  if (after.patterns?.length) parts.push(`pattern ${listed('+', after.patterns.map(formatPattern))}`);
  if (before.patterns?.length) parts.push(`pattern ${listed('-', before.patterns.map(formatPattern))}`);
  return parts;
}

/** A whole feature on one line: on, 10%, 3 users, 1 pattern. */
function wholeLine(state: HistoryChange): string {
  const parts = [formatValue('enabled', state.enabled), formatValue('percentage', state.percentage ?? 0)];
  if (Array.isArray(state.variants) && state.variants.length)
    parts.push(`variants ${formatValue('variants', state.variants)}`);
  if (state.users?.length) parts.push(`${state.users.length} user(s)`);
  if (state.patterns?.length) parts.push(`${state.patterns.length} pattern(s)`);
  return parts.join(', ');
}

/**
 * What an entry changed, as `before -> after` for people.
 *
 * @example
 * changeText(entry); // 'percentage 10% -> 20%'
 */
export function changeText(entry: HistoryEntry): string {
  const { before, after } = entry;
  if (before === null) return `created: ${wholeLine(after ?? {})}`;
  if (after === null) return `removed: was ${wholeLine(before)}`;
  if (Array.isArray(before.users) && Array.isArray(after.users)) return `${wholeLine(before)} -> ${wholeLine(after)}`;
  const parts = setChanges(before, after);
  for (const field of Object.keys(after)) {
    if (field === 'users' || field === 'patterns') continue;
    const was = field in before ? formatValue(field, before[field]) : '(unset)';
    parts.push(`${field} ${was} -> ${formatValue(field, after[field])}`);
  }
  return parts.length > 0 ? parts.join('; ') : 'no change';
}

/**
 * The columns of `hanoi history`: id, when, who, what, before -> after.
 *
 * @example
 * historyRow(entry); // ['1764…-0', '2026-11-30 08:30:12', 'ana@web-1', 'update beta', 'percentage 10% -> 20%']
 */
export function historyRow(entry: HistoryEntry): string[] {
  const when = new Date(entry.at).toISOString().replace('T', ' ').slice(0, 19);
  const who = entry.source === 'api' ? entry.actor : `${entry.actor} (${entry.source})`;
  let what = `${entry.action} ${entry.feature}`;
  if (entry.reverts) what += ` (of ${entry.reverts})`;
  if (entry.reason) what += `\n"${entry.reason}"`;
  return [entry.id, when, who, what, changeText(entry)];
}
