import { HanoiError, InvalidArgumentError, type Constraint } from '@hanoi/core';
import { dataTable } from '../data-table';
import { count } from '../describe';
import { field, nameField, postForm } from '../forms';
import { html, type SafeHtml } from '../html';
import { idLines, idList, idListActions, idListQuery } from '../id-list';
import { deleteLink, outcome, pageResponse, problem } from '../layout';
import { featureUrl, NO_FORM_STATE, pageUrl, segmentUrl, type FormState, type PageContext } from '../page-context';
import { pageNumber, pager } from '../pager';
import { refusedAs } from '../sections/field-errors';
import { historyHtml, revertAction } from '../sections/history';
import { constraintInWords, readJsonList } from '../sections/rules';
import type { FieldError, SectionAction } from '../sections/section';
import { featuresUsing, readSegment, segmentWritesRefused } from '../targeting-support';
import type { AdminResponse } from '../types';
import { listPage } from '../user-pages';
import { writerFor } from '../writer';

const CONSTRAINTS_HINT =
  'A JSON list of { "attribute", "operator", "values" or "value", "inverted" }, all of which a user must meet; ' +
  '[] for none. A segment cannot use IN_SEGMENT.';
const NOT_A_LIST = 'The constraints are a JSON list: [ { "attribute": ..., "operator": ..., "values": [...] }, ... ].';

/** The page context as forms see it: read-only too where the store cannot write segments. */
function formsContext(ctx: PageContext): PageContext {
  return segmentWritesRefused(ctx.config.rollout) ? { ...ctx, config: { ...ctx.config, readOnly: true } } : ctx;
}

function constraintList(constraints: readonly Constraint[]): SafeHtml {
  return constraints.length === 0
    ? html`<span class="muted">none</span>`
    : html`<ul>
        ${constraints.map((c) => html`<li><code>${constraintInWords(c)}</code></li>`)}
      </ul>`;
}

/**
 * The segments: each with how many units it lists and its constraints in
 * words (a unit in the list, or a context meeting every constraint, is in
 * the segment), linked to its page. Rules use them with `IN_SEGMENT`.
 *
 * @example
 * GET /flags/segments?page=2
 */
export async function segmentsPage(ctx: PageContext): Promise<AdminResponse> {
  const { rollout, pageSize } = ctx.config;
  const refused = segmentWritesRefused(rollout);
  const all = (await rollout.listSegments()).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const pages = Math.max(1, Math.ceil(all.length / pageSize));
  const page = Math.min(pageNumber(ctx.query, 'page'), pages);
  const shown = all.slice((page - 1) * pageSize, page * pageSize);
  const rows = await Promise.all(
    shown.map(async (name) => {
      const segment = await readSegment(rollout, name);
      return html`<tr>
        <td class="name"><a href="${segmentUrl(ctx, name)}">${name}</a></td>
        <td>${segment === undefined ? 'unknown' : count(segment.count, 'unit')}</td>
        <td>${constraintList(segment?.constraints ?? [])}</td>
      </tr>`;
    }),
  );
  const deleted = ctx.query.get('deleted');
  return pageResponse(ctx, {
    title: 'Segments',
    main: html`${deleted ? html`<p class="saved" role="status">The segment <code>${deleted}</code> is deleted.</p>` : ''}
      <p>
        A user is in a segment when the segment lists them, or when they meet every one of its constraints (if it has
        any). Rules use segments with <code>IN_SEGMENT</code>.
      </p>
      ${refused ? html`<p class="muted" id="segments-read-only">${refused}</p>` : ''}
      ${refused || ctx.config.readOnly ? '' : html`<p><a href="${pageUrl(ctx, '/new-segment')}">New segment</a></p>`}
      <p>${count(all.length, 'segment')}</p>
      ${
        shown.length > 0
          ? dataTable(['Segment', 'Listed units', 'Constraints (all of)'], rows, { caption: 'Segments, by name.' })
          : ''
      }
      ${pager('Pages of segments', page, pages, (n) => pageUrl(ctx, '/segments', { page: n }))}`,
  });
}

/** Reads the constraints box: none when blank (`allowBlank`), else a JSON list, or the message beside it. */
function readConstraints(form: URLSearchParams, allowBlank: boolean): unknown[] | undefined | FieldError {
  const text = form.get('constraints') ?? '';
  if (allowBlank && text.trim() === '') return undefined;
  const list = readJsonList(text, 'Enter the constraints as a JSON list; [] removes them all.', NOT_A_LIST);
  return typeof list === 'string' ? { field: 'constraints', message: list } : list;
}

/** The writes of a segment's page, posted to `<segment>/<key>`. */
export const SEGMENT_ACTIONS: Readonly<Record<string, SectionAction>> = {
  constraints: {
    done: 'The constraints are saved.',
    async run({ rollout, name, form }) {
      const constraints = readConstraints(form, false);
      if (!Array.isArray(constraints)) return constraints;
      return refusedAs('constraints', () => rollout.defineSegment(name, { constraints: constraints as Constraint[] }));
    },
  },
  revert: revertAction('segment'),
  ...idListActions(
    'units',
    { key: 'add-units', done: 'The units are added.', write: (r, name, ids) => r.registerSegment(name, ids) },
    { key: 'remove-unit', done: 'The unit is removed.', write: (r, name, id) => r.unregisterSegment(name, id) },
  ),
};

/**
 * A segment's page: the features whose rules use it, its constraints in
 * words and as JSON to edit, and its listed units paged and searchable
 * (walked in place, never copied, where the process holds them) with a box
 * to add units and a button to remove each, and its history with revert.
 *
 * @example
 * GET /flags/segments/beta-testers?units_q=u-1
 */
export async function segmentPage(
  ctx: PageContext,
  name: string,
  form: FormState = NO_FORM_STATE,
  status = 200,
): Promise<AdminResponse> {
  const { rollout } = ctx.config;
  const segment = await readSegment(rollout, name);
  if (!segment) return problem(ctx, 404, 'No such segment', `There is no segment named "${name}".`);
  const refused = segmentWritesRefused(rollout);
  const forms = formsContext(ctx);
  const users = await featuresUsing(rollout, name);
  const key = ctx.query.get('saved') ?? '';
  const saved = status !== 200 ? undefined : key === 'created' ? 'The segment is created.' : SEGMENT_ACTIONS[key]?.done;
  const { search, page } = idListQuery(ctx, 'units');
  const units = idList(
    {
      ctx: forms,
      form,
      key: 'units',
      heading: 'Listed units',
      intro:
        'They are in the segment whatever its constraints say: user ids, or values of the attribute a feature decides by.',
      noun: 'listed unit',
      searched: 'containing',
      searchLabel: 'Search listed units',
      pagesLabel: 'Pages of listed units',
      here: (query) => segmentUrl(ctx, name, '', query),
      remove: { action: segmentUrl(ctx, name, '/remove-unit'), label: 'Remove' },
      add: { action: segmentUrl(ctx, name, '/add-units'), field: 'units', label: 'Add units', button: 'Add units' },
    },
    await listPage(
      rollout,
      { segment: name },
      segment.users && { ids: segment.users, count: segment.count },
      'units',
      ctx.query,
      search,
      page,
    ),
    search,
  );
  return pageResponse(ctx, {
    status,
    title: Object.keys(form.errors).length > 0 ? `Error: ${name}` : name,
    heading: html`<span class="muted">Segment</span> ${name}`,
    main: html`${outcome(saved, Object.keys(form.errors).length > 0)}
      ${refused ? html`<p class="muted">${refused}</p>` : ''}
      <p class="summary">
        ${count(segment.count, 'listed unit')};
        ${segment.constraints.length === 0 ? 'no constraints' : count(segment.constraints.length, 'constraint')}.
      </p>
      <p>
        ${
          users.length === 0
            ? 'No rule uses it.'
            : html`Used by the rules of
              ${users.map((f, i) => html`${i > 0 ? ', ' : ''}<a href="${featureUrl(ctx, f)}">${f}</a>`)}.`
        }
      </p>
      <section aria-labelledby="constraints-heading">
        <h2 id="constraints-heading">Constraints</h2>
        <p>A context that meets all of them is in the segment, listed or not.</p>
        ${constraintList(segment.constraints)}
        ${postForm(
          forms,
          segmentUrl(ctx, name, '/constraints'),
          html`${field(form, {
              id: 'constraints',
              name: 'constraints',
              label: 'Edit the constraints',
              hint: CONSTRAINTS_HINT,
              textarea: true,
              required: true,
              value: JSON.stringify(segment.constraints, null, 2),
            })}<button type="submit">Save the constraints</button>`,
        )}
      </section>
      ${units}
      ${await historyHtml(forms, { kind: 'segment', name, url: (suffix, query) => segmentUrl(ctx, name, suffix, query) }, form)}
      ${deleteLink(forms.config, segmentUrl(ctx, name, '/delete'), 'segment')}`,
  });
}

/**
 * The form for a new segment: its name, constraints (JSON) and listed units.
 *
 * @example
 * GET /flags/new-segment
 */
export function newSegmentPage(ctx: PageContext, form: FormState = NO_FORM_STATE, status = 200): AdminResponse {
  const refused = segmentWritesRefused(ctx.config.rollout);
  return pageResponse(ctx, {
    status,
    title: 'New segment',
    main:
      ctx.config.readOnly || refused
        ? html`<p>${refused ?? 'This admin page is read-only: segments cannot be created here.'}</p>`
        : postForm(
            ctx,
            pageUrl(ctx, '/new-segment'),
            html`${nameField(form)}
              ${field(form, {
                id: 'constraints',
                name: 'constraints',
                label: 'Constraints',
                hint: `${CONSTRAINTS_HINT} Leave empty for none.`,
                textarea: true,
              })}
              ${field(form, {
                id: 'units',
                name: 'units',
                label: 'Listed units',
                hint: 'One id per line; leave empty for none.',
                textarea: true,
              })} <button type="submit">Create segment</button>`,
          ),
  });
}

/** The field of the new-segment form that a refusal of `defineSegment` is about. */
function fieldOf(err: HanoiError): string {
  const at = err instanceof InvalidArgumentError ? err.field : '';
  if (at.startsWith('constraints') || at.startsWith('constraint')) return 'constraints';
  return at.includes('user') ? 'units' : 'name';
}

/**
 * Creates a segment; refuses a name that exists (the form creates, it does
 * not replace) or anything `defineSegment` refuses, beside its field.
 *
 * @example
 * POST /flags/new-segment  name=beta-testers&units=u1%0Au2
 */
export async function createSegment(ctx: PageContext, form: URLSearchParams): Promise<FieldError | string> {
  const { rollout } = ctx.config;
  const name = form.get('name') ?? '';
  if (name !== '' && (await readSegment(rollout, name))) {
    return { field: 'name', message: `A segment named "${name}" exists already.` };
  }
  const constraints = readConstraints(form, true);
  if (constraints !== undefined && !Array.isArray(constraints)) return constraints;
  const units = (form.get('units') ?? '').trim() === '' ? [] : idLines(form, 'units');
  if (!Array.isArray(units)) return units;
  try {
    await writerFor(rollout, ctx.actor).defineSegment(name, {
      ...(units.length > 0 ? { users: units } : {}),
      ...(constraints ? { constraints: constraints as Constraint[] } : {}),
    });
  } catch (err) {
    if (err instanceof HanoiError) return { field: fieldOf(err), message: err.message };
    throw err;
  }
  return segmentUrl(ctx, name, '', { saved: 'created' });
}
