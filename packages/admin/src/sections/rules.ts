import type { Constraint, Prerequisite, Rule } from '@hanoi/core';
import { field, postForm } from '../forms';
import { html, type SafeHtml } from '../html';
import { featureUrl, segmentUrl, type PageContext } from '../page-context';
import { hasTargeting } from '../targeting-support';
import { refusedAs } from './field-errors';
import type { FeatureSection } from './section';

/**
 * One constraint in words: `country IN NL, BE`, `NOT plan IN free`,
 * `IN_SEGMENT beta-testers`, `age NUM_GTE 18`.
 *
 * @example
 * constraintInWords({ attribute: 'country', operator: 'IN', values: ['NL', 'BE'] }); // 'country IN NL, BE'
 */
export function constraintInWords(constraint: Constraint): string {
  const { attribute, operator, values, value, inverted, caseInsensitive, flags } = constraint;
  const operand =
    values !== undefined
      ? values.join(', ')
      : value instanceof Date
        ? value.toISOString()
        : value === undefined
          ? ''
          : String(value);
  const words = [inverted ? 'NOT' : '', attribute ?? '', operator, operand].filter(Boolean).join(' ');
  const extras = [caseInsensitive ? 'ignoring case' : '', flags ? `flags ${flags}` : ''].filter(Boolean);
  return extras.length > 0 ? `${words} (${extras.join(', ')})` : words;
}

/**
 * A prerequisite in words: `new_ui on`, `legacy off`, `checkout on with variant a or b`.
 *
 * @example
 * prerequisiteInWords({ feature: 'new_ui' }); // 'new_ui on'
 */
export function prerequisiteInWords(prerequisite: Prerequisite): string {
  const state = prerequisite.enabled === false ? 'off' : 'on';
  const variants = prerequisite.variants ?? [];
  return variants.length > 0
    ? `${prerequisite.feature} ${state} with variant ${variants.join(' or ')}`
    : `${prerequisite.feature} ${state}`;
}

/** A constraint in words; one on segments links to each segment's page. */
function constraintItem(ctx: PageContext, c: Constraint): SafeHtml {
  if (c.operator !== 'IN_SEGMENT' || !c.values) return html`<li><code>${constraintInWords(c)}</code></li>`;
  const links = c.values.map(
    (segment, i) => html`${i > 0 ? ', ' : ''}<a href="${segmentUrl(ctx, segment)}">${segment}</a>`,
  );
  return html`<li><code>${c.inverted ? 'NOT ' : ''}IN_SEGMENT</code> ${links}</li>`;
}

function ruleItem(ctx: PageContext, rule: Rule, index: number): SafeHtml {
  const constraints =
    rule.constraints.length === 0 ? html`<li>every context</li>` : rule.constraints.map((c) => constraintItem(ctx, c));
  const share = rule.percentage === undefined ? 'everyone it holds for' : `${rule.percentage}% of those it holds for`;
  return html`<li>
    <p>
      <strong>Rule #${index}</strong>${rule.name === undefined ? '' : html` <q>${rule.name}</q>`}: on for ${share} when
      all of:
    </p>
    <ul>
      ${constraints}
    </ul>
  </li>`;
}

/**
 * Reads a JSON list as typed in a text box (rules, a segment's
 * constraints), or the message to show beside the field: `empty` for a
 * blank box, `notList` for JSON of another shape.
 *
 * @example
 * readJsonList('[]', 'Enter the rules.', 'The rules are a JSON list.'); // []
 */
export function readJsonList(text: string, empty: string, notList: string): unknown[] | string {
  if (text.trim() === '') return empty;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return `Not JSON: ${(err as Error).message}`;
  }
  return Array.isArray(parsed) ? parsed : notList;
}

/**
 * Rules, prerequisites and the unit, in words; the rules edited as JSON,
 * checked by `setRules` (its message shown beside the field).
 */
export const rulesSection: FeatureSection = {
  id: 'rules',
  available: hasTargeting,
  render({ ctx, name, state, form }) {
    const targeting = state.targeting;
    const rules = targeting?.rules ?? [];
    const requires = targeting?.requires ?? [];
    const by = targeting?.by ?? 'id';
    return html`<section aria-labelledby="rules-heading">
      <h2 id="rules-heading">Rules</h2>
      <p>
        Decided by <code>${by}</code>${
          by === 'id'
            ? ''
            : html`: the listed users, the deny list, the patterns and the percentage read <code>${by}</code>, not the
                user id`
        }.
      </p>
      ${
        requires.length > 0
          ? html`<p>Only while every prerequisite holds:</p>
              <ul>
                ${requires.map(
                  (p) => html`<li><a href="${featureUrl(ctx, p.feature)}">${prerequisiteInWords(p)}</a></li>`,
                )}
              </ul>`
          : html`<p class="muted">No prerequisites.</p>`
      }
      ${
        rules.length > 0
          ? html`<p>
                The feature is on for a user any rule holds for (after the deny list, listed users and patterns).
              </p>
              <ol start="0" class="rules">
                ${rules.map((rule, index) => ruleItem(ctx, rule, index))}
              </ol>`
          : html`<p class="muted">No rules.</p>`
      }
      ${postForm(
        ctx,
        featureUrl(ctx, name, '/rules'),
        html`${field(form, {
            id: 'rules',
            name: 'rules',
            label: 'Edit the rules',
            hint:
              'A JSON list of { "name", "constraints": [{ "attribute", "operator", "values" or "value", "inverted" }], ' +
              '"percentage" }; [] removes them all.',
            textarea: true,
            required: true,
            value: JSON.stringify(rules, null, 2),
          })}<button type="submit">Save the rules</button>`,
      )}
    </section>`;
  },
  actions: {
    rules: {
      done: 'The rules are saved.',
      async run({ rollout, name, form }) {
        const rules = readJsonList(
          form.get('rules') ?? '',
          'Enter the rules as a JSON list; [] removes them all.',
          'The rules are a JSON list: [ { "constraints": [...] }, ... ].',
        );
        if (typeof rules === 'string') return { field: 'rules', message: rules };
        return refusedAs('rules', () => rollout.setRules(name, rules as Rule[]));
      },
    },
  },
};
