import type { Variant } from '@hanoi/core';
import { dataTable } from '../data-table';
import { field, postForm } from '../forms';
import { html } from '../html';
import { featureUrl } from '../page-context';
import { refusedAs } from './field-errors';
import type { FeatureSection, FieldError } from './section';

/** Variants as typed: one per line, a name and an optional weight (`control 90`). */
function readVariants(text: string): { name: string; weight?: number }[] | FieldError {
  const variants: { name: string; weight?: number }[] = [];
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    const words = line.trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) continue;
    if (words.length > 2) {
      return {
        field: 'variants',
        message: `Line ${index + 1}: write a name and, if you like, a weight, e.g. control 90.`,
      };
    }
    if (words.length === 1) variants.push({ name: words[0]! });
    else {
      const weight = Number(words[1]);
      if (!/^\d+(\.\d+)?$/.test(words[1]!) || !(weight > 0)) {
        return { field: 'variants', message: `Line ${index + 1}: the weight ${words[1]} is not a number above 0.` };
      }
      variants.push({ name: words[0]!, weight });
    }
  }
  return variants;
}

function asText(variants: readonly Variant[]): string {
  return variants.map((v) => `${v.name} ${v.weight}`).join('\n');
}

/** The variants of an experiment and their weights. */
export const variantsSection: FeatureSection = {
  id: 'variants',
  available: () => true,
  render({ ctx, name, state, form }) {
    const total = state.variants.reduce((sum, v) => sum + v.weight, 0);
    const rows = state.variants.map(
      (v) =>
        html`<tr>
          <td class="name">${v.name}</td>
          <td>${v.weight}</td>
          <td>${((100 * v.weight) / total).toFixed(1)}%</td>
        </tr>`,
    );
    return html`<section aria-labelledby="variants-heading">
      <h2 id="variants-heading">Variants</h2>
      ${
        rows.length > 0
          ? dataTable(['Variant', 'Weight', 'Share'], rows, {
              caption: 'Each user who has the feature gets one variant, always the same.',
            })
          : html`<p class="muted">No variants: this feature is a plain switch.</p>`
      }
      ${postForm(
        ctx,
        featureUrl(ctx, name, '/variants'),
        html`${field(form, {
            id: 'variants',
            name: 'variants',
            label: 'Variants',
            hint: 'One per line: a name and an optional weight, e.g. "control 90". Leave empty for none. Changing the list moves users between variants.',
            textarea: true,
            value: asText(state.variants),
          })}<button type="submit">Save variants</button>`,
      )}
    </section>`;
  },
  actions: {
    variants: {
      done: 'The variants are saved.',
      async run({ rollout, name, form }) {
        const variants = readVariants(form.get('variants') ?? '');
        if (!Array.isArray(variants)) return variants;
        return refusedAs('variants', () => rollout.setVariants(name, variants));
      },
    },
  },
};
