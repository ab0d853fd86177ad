import { ConflictError, HanoiError, type HistoryChange, type HistoryEntry } from '@hanoi/core';
import { dataTable } from '../data-table';
import { postForm } from '../forms';
import { html, type SafeHtml } from '../html';
import { featureUrl, type FormState, type PageContext } from '../page-context';
import { featuresUsing } from '../targeting-support';
import { refusedAs } from './field-errors';
import type { FeatureSection, SectionAction } from './section';

const ENTRIES_PER_PAGE = 20;
const SHOWN_IDS = 5;

/** The field the conflict of a revert is shown under, with its "revert anyway" form. */
const CONFLICT = 'revert-conflict';

function when(at: number): string {
  return `${new Date(at).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** A field's value for people: on/off, 10%, a:50, b:50, or JSON. */
function value(field: string, v: unknown): string {
  if (field === 'enabled') return v ? 'on' : 'off';
  if (field === 'percentage') return `${String(v)}%`;
  if (field === 'variants' && Array.isArray(v)) {
    if (v.length === 0) return 'none';
    return v
      .map((x: { name?: string; weight?: number }) =>
        x?.weight !== undefined ? `${x.name}:${x.weight}` : String(x?.name ?? JSON.stringify(x)),
      )
      .join(', ');
  }
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** A few ids, then how many more: a batch of 1,000 users stays one line. */
function listed(sign: string, items: readonly string[]): string {
  const shown = items.slice(0, SHOWN_IDS).map((item) => sign + item);
  if (items.length > SHOWN_IDS) shown.push(`(+${items.length - SHOWN_IDS} more)`);
  return shown.join(' ');
}

const pattern = (p: { source: string; flags: string }) => `/${p.source}/${p.flags}`;

/** A whole feature on one line: on, 10%, 3 users, 1 pattern. */
function whole(state: HistoryChange): string {
  const parts = [value('enabled', state.enabled ?? true), value('percentage', state.percentage ?? 0)];
  if (Array.isArray(state.variants) && state.variants.length)
    parts.push(`variants ${value('variants', state.variants)}`);
  if (state.users?.length) parts.push(`${state.users.length} listed user${state.users.length === 1 ? '' : 's'}`);
  if (state.patterns?.length) parts.push(`${state.patterns.length} pattern${state.patterns.length === 1 ? '' : 's'}`);
  return parts.join(', ');
}

/**
 * What an entry changed, as `before → after` for people.
 *
 * @example
 * changeText(entry); // 'percentage 10% → 20%'
 */
export function changeText(entry: Pick<HistoryEntry, 'before' | 'after'>): string {
  const { before, after } = entry;
  if (before === null) return `created: ${whole(after ?? {})}`;
  if (after === null) return `deleted: was ${whole(before)}`;
  if (Array.isArray(before.users) && Array.isArray(after.users)) return `${whole(before)} → ${whole(after)}`;
  const parts: string[] = [];
  if (after.users?.length) parts.push(`users ${listed('+', after.users)}`);
  if (before.users?.length) parts.push(`users ${listed('−', before.users)}`);
  if (after.patterns?.length) parts.push(`pattern ${listed('+', after.patterns.map(pattern))}`);
  if (before.patterns?.length) parts.push(`pattern ${listed('−', before.patterns.map(pattern))}`);
  for (const field of Object.keys(after)) {
    if (field === 'users' || field === 'patterns') continue;
    const was = field in before ? value(field, before[field]) : '(unset)';
    parts.push(`${field} ${was} → ${value(field, after[field])}`);
  }
  return parts.length > 0 ? parts.join('; ') : 'no change';
}

/** Whose history a section shows: a feature's or a segment's, and the address of its page (or of an action). */
export interface HistoryTarget {
  kind: 'feature' | 'segment';
  name: string;
  url(suffix?: string, query?: Record<string, string | number>): string;
}

function revertButton(ctx: PageContext, target: HistoryTarget, entry: HistoryEntry, force: boolean): SafeHtml | '' {
  const label = force ? 'Revert anyway' : 'Revert';
  return postForm(
    ctx,
    target.url('/revert'),
    html`<input type="hidden" name="entry" value="${entry.id}" />${
        force ? html`<input type="hidden" name="force" value="true" />` : ''
      }<button
        type="submit"
        class="${force ? 'danger' : 'secondary'}"
        aria-label="${`${label}: the change of ${when(entry.at)} by ${entry.actor}`}"
      >
        ${label}
      </button>`,
    'inline',
  );
}

/**
 * Who changed a feature or a segment, what and when, newest first
 * (`rollout.history`), with a revert button per entry. A revert the Rollout
 * refuses because it changed since (HANOI_CONFLICT) is explained in words,
 * with a "Revert anyway" button that forces it. Read-only mode (`ctx`'s)
 * shows the history only.
 *
 * @example
 * await historyHtml(ctx, { kind: 'segment', name, url: (s, q) => segmentUrl(ctx, name, s, q) }, form);
 */
export async function historyHtml(ctx: PageContext, target: HistoryTarget, form: FormState): Promise<SafeHtml> {
  const before = ctx.query.get('history_before') || undefined;
  let entries: HistoryEntry[];
  try {
    entries = await ctx.config.rollout.history({ [target.kind]: target.name, limit: ENTRIES_PER_PAGE, before });
  } catch (err) {
    // A bad `history_before` in the address: say so rather than fail the page.
    if (!(err instanceof HanoiError)) throw err;
    return html`<section aria-labelledby="history-heading">
      <h2 id="history-heading">History</h2>
      <p class="error" role="alert">${err.message}</p>
    </section>`;
  }
  const canRevert = !ctx.config.readOnly;
  const rows = entries.map(
    (entry) =>
      html`<tr>
        <td>${when(entry.at)}</td>
        <td>${entry.actor} <span class="muted">(${entry.source})</span></td>
        <td>
          ${entry.action === 'revert' ? `revert of ${entry.reverts ?? ''}` : entry.action}${entry.reason ? html`<br /><span class="muted">“${entry.reason}”</span>` : ''}
        </td>
        <td>${changeText(entry)}</td>
        ${canRevert ? html`<td>${revertButton(ctx, target, entry, false)}</td>` : ''}
      </tr>`,
  );
  const older = entries.length === ENTRIES_PER_PAGE ? entries[entries.length - 1]!.id : undefined;
  const conflict = form.errors[CONFLICT];
  const conflicted = conflict ? entries.find((entry) => entry.id === form.values.entry) : undefined;
  return html`<section aria-labelledby="history-heading">
    <h2 id="history-heading">History</h2>
    ${form.errors.revert ? html`<p class="error" id="revert-error" role="alert">${form.errors.revert}</p>` : ''}
    ${
      conflict
        ? html`<div class="error" id="revert-conflict" role="alert">
            <p>${conflict}</p>
            ${conflicted ? revertButton(ctx, target, conflicted, true) : ''}
          </div>`
        : ''
    }
    ${
      rows.length > 0
        ? dataTable(
            ['When', 'Who', 'What', 'Before → after', ...(canRevert ? [html`<span class="muted">Undo</span>`] : [])],
            rows,
          )
        : html`<p class="muted">No changes recorded${before ? ' before these' : ''}.</p>`
    }
    ${older ? html`<nav class="pager" aria-label="Pages of history"><a href="${target.url('', { history_before: older })}#history-heading">Older changes</a></nav>` : ''}
  </section>`;
}

/**
 * The revert action of a feature's (`kind: 'feature'`) or a segment's page:
 * reverts one of its own history entries (by id, posted as `entry`).
 *
 * @example
 * const actions = { revert: revertAction('segment') };
 */
export function revertAction(kind: 'feature' | 'segment'): SectionAction {
  return {
    done: 'The change is reverted.',
    async run({ rollout, name, form }) {
      const id = form.get('entry') ?? '';
      if (id === '') return { field: 'revert', message: 'Choose a change to revert.' };
      // Only this feature's (or segment's) entries are reverted from its page.
      const [entry] = (await rollout.backend.history({ id, limit: 1 })).entries;
      if (!entry || entry.feature !== (kind === 'segment' ? `segment ${name}` : name)) {
        return {
          field: 'revert',
          message: `This ${kind} has no such change (it may have been dropped from the history).`,
        };
      }
      // Reverting a segment's creation deletes it: refused, as deleting it is, while a rule uses it.
      const users = kind === 'segment' && entry.before === null ? await featuresUsing(rollout, name) : [];
      if (users.length > 0) {
        return {
          field: 'revert',
          message: `Reverting the creation of “${name}” would delete it, and the rules of ${users.join(', ')} use it. Change those rules first. Nothing was changed.`,
        };
      }
      const force = form.get('force') === 'true';
      try {
        await rollout.revert(id, { force });
      } catch (err) {
        if (err instanceof ConflictError) {
          return {
            field: CONFLICT,
            message: `“${name}” has changed since the change of ${when(entry.at)} by ${entry.actor} (${changeText(entry)}): reverting it now would also overwrite what was changed after it. Nothing was changed. Look at the history below, or revert anyway.`,
          };
        }
        return refusedAs('revert', () => Promise.reject(err));
      }
    },
  };
}

/** The feature page's history, with revert. */
export const historySection: FeatureSection = {
  id: 'history',
  available: () => true,
  render: ({ ctx, name, form }) =>
    historyHtml(ctx, { kind: 'feature', name, url: (suffix, query) => featureUrl(ctx, name, suffix, query) }, form),
  actions: { revert: revertAction('feature') },
};
