import { field, postForm } from '../forms';
import { html } from '../html';
import { featureUrl } from '../page-context';
import { refusedAs } from './field-errors';
import type { FeatureSection, FieldError } from './section';

/** Reads a pattern as typed: its source and flags, as `new RegExp` takes them. */
function readPattern(form: URLSearchParams): RegExp | FieldError {
  const source = form.get('pattern') ?? '';
  const flags = (form.get('flags') ?? '').trim();
  if (source === '') return { field: 'pattern', message: 'Enter a regular expression, such as ^staff-' };
  try {
    return new RegExp(source, flags);
  } catch (err) {
    return { field: 'pattern', message: `Not a regular expression JavaScript reads: ${(err as Error).message}` };
  }
}

/** Regular expressions: a user whose id matches any has the feature (an unanchored search). */
export const patternsSection: FeatureSection = {
  id: 'patterns',
  available: () => true,
  render({ ctx, name, state, form }) {
    const rows = state.patterns.map(
      (p) =>
        html`<li>
          <code>/${p.source}/${p.flags}</code> ${postForm(
            ctx,
            featureUrl(ctx, name, '/remove-pattern'),
            html`<input type="hidden" name="pattern" value="${p.source}" /><input
                type="hidden"
                name="flags"
                value="${p.flags}"
              />
              <button type="submit" class="secondary" aria-label="${`Remove pattern /${p.source}/${p.flags}`}">
                Remove
              </button>`,
            'inline',
          )}
        </li>`,
    );
    return html`<section aria-labelledby="patterns-heading">
      <h2 id="patterns-heading">Patterns</h2>
      <p>A user whose id matches any of these has the feature while it is on.</p>
      ${
        rows.length > 0
          ? html`<ul>
              ${rows}
            </ul>`
          : html`<p class="muted">No patterns.</p>`
      }
      ${postForm(
        ctx,
        featureUrl(ctx, name, '/add-pattern'),
        html`<div class="row">
          ${field(form, {
            id: 'pattern',
            name: 'pattern',
            label: 'Pattern',
            hint: 'A JavaScript regular expression without the slashes, e.g. ^staff- or 01$.',
            required: true,
          })}${field(form, { id: 'flags', name: 'flags', label: 'Flags', hint: 'Optional: i, m, s, u.' })}
          <button type="submit">Add pattern</button>
        </div>`,
      )}
    </section>`;
  },
  actions: {
    'add-pattern': {
      done: 'The pattern is added.',
      async run({ rollout, name, form }) {
        const pattern = readPattern(form);
        if (!(pattern instanceof RegExp)) return pattern;
        return refusedAs('pattern', () => rollout.register(name, pattern));
      },
    },
    'remove-pattern': {
      done: 'The pattern is removed.',
      async run({ rollout, name, form }) {
        const pattern = readPattern(form);
        if (!(pattern instanceof RegExp)) return pattern;
        return refusedAs('pattern', () => rollout.unregister(name, pattern));
      },
    },
  },
};
