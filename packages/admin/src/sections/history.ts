import type { Rollout } from '@hanoi/core';
import { dataTable } from '../data-table';
import { postForm } from '../forms';
import { html } from '../html';
import { featureUrl } from '../page-context';
import { refusedAs } from './field-errors';
import type { FeatureSection } from './section';

/** An entry of a feature's history, as docs/SPEC.md "History" names its fields. */
interface HistoryEntry {
  id: string | number;
  at: string | number | Date;
  action: string;
  actor: string;
  reason?: string;
  source?: string;
  before?: unknown;
  after?: unknown;
}

/** A rollout that keeps history: `history()` and, when it can undo, `revert()`. */
interface WithHistory {
  history(query: { feature?: string; limit?: number; before?: string }): Promise<HistoryEntry[]>;
  revert?(entryId: string, options?: { force?: boolean }): Promise<unknown>;
}

const ENTRIES_PER_PAGE = 20;

function hasHistory(rollout: Rollout<string>): rollout is Rollout<string> & WithHistory {
  return typeof (rollout as Partial<WithHistory>).history === 'function';
}

function when(at: HistoryEntry['at']): string {
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? String(at) : `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function shown(value: unknown): string {
  if (value === undefined) return '';
  // JSON.stringify gives undefined only for a function or a symbol, which say themselves.
  const text = JSON.stringify(value) ?? (typeof value === 'function' || typeof value === 'symbol' ? String(value) : '');
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/**
 * Who changed what and when, newest first, with a revert button per entry.
 * Shown only for a rollout that keeps history (feature-detected).
 */
export const historySection: FeatureSection = {
  id: 'history',
  available: hasHistory,
  async render({ ctx, name, form }) {
    const rollout = ctx.config.rollout;
    if (!hasHistory(rollout)) return '';
    const before = ctx.query.get('history_before') || undefined;
    const entries = await rollout.history({ feature: name, limit: ENTRIES_PER_PAGE, before });
    const canRevert = typeof rollout.revert === 'function';
    const rows = entries.map(
      (entry) =>
        html`<tr>
          <td>${when(entry.at)}</td>
          <td>${entry.actor}${entry.source ? html` <span class="muted">(${entry.source})</span>` : ''}</td>
          <td>${entry.action}${entry.reason ? html`<br /><span class="muted">${entry.reason}</span>` : ''}</td>
          <td><code>${shown(entry.before)}</code></td>
          <td><code>${shown(entry.after)}</code></td>
          ${canRevert ? html`<td>${postForm(ctx, featureUrl(ctx, name, '/revert'), html`<input type="hidden" name="entry" value="${String(entry.id)}" /><button type="submit" class="secondary" aria-label="${`Revert the change of ${when(entry.at)} by ${entry.actor}`}">Revert</button>`, 'inline')}</td>` : ''}
        </tr>`,
    );
    const older = entries.length === ENTRIES_PER_PAGE ? String(entries[entries.length - 1]!.id) : undefined;
    return html`<section aria-labelledby="history-heading">
      <h2 id="history-heading">History</h2>
      ${form.errors.revert ? html`<p class="error" id="revert-error" role="alert">${form.errors.revert}</p>` : ''}
      ${
        rows.length > 0
          ? dataTable(
              ['When', 'Who', 'What', 'Before', 'After', ...(canRevert ? [html`<span class="muted">Undo</span>`] : [])],
              rows,
            )
          : html`<p class="muted">No changes recorded${before ? ' before these' : ''}.</p>`
      }
      ${older ? html`<nav class="pager" aria-label="Pages of history"><a href="${featureUrl(ctx, name, '', { history_before: older })}#history-heading">Older changes</a></nav>` : ''}
    </section>`;
  },
  actions: {
    revert: {
      done: 'The change is reverted.',
      async run({ rollout, form }) {
        const entry = form.get('entry') ?? '';
        const revert = (rollout as Partial<WithHistory>).revert;
        if (typeof revert !== 'function') return { field: 'revert', message: 'This rollout cannot revert changes.' };
        if (entry === '') return { field: 'revert', message: 'Choose a change to revert.' };
        return refusedAs('revert', () => revert.call(rollout, entry));
      },
    },
  },
};
