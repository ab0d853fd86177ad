import { HanoiError, InvalidArgumentError } from '@hanoi/core';
import { explainInWords } from '../describe';
import { field } from '../forms';
import { html } from '../html';
import { pageResponse, problem } from '../layout';
import { featureUrl, type FormState, type PageContext } from '../page-context';
import type { AdminResponse } from '../types';

/**
 * Reads the attributes box: a JSON object of attribute values (`{"country":
 * "NL", "age": 30}`), nothing when blank, else the message beside the box.
 */
function readAttributes(text: string): Record<string, unknown> | string {
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return `Not JSON: ${(err as Error).message}`;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return 'The attributes are a JSON object: { "country": "NL", "age": 30 }.';
  }
  if (Object.hasOwn(parsed, 'id')) return 'The user id goes in its own box, not among the attributes.';
  return parsed as Record<string, unknown>;
}

/**
 * "Why is it on for this user?": `rollout.explain` in words, and the
 * variant the user gets; with attributes (a JSON object), for the context
 * they make with the id, so rules and segments' constraints are weighed.
 *
 * @example
 * GET /flags/features/beta/explain?user=alice&attributes={"country":"NL"}
 */
export async function explainPage(ctx: PageContext, name: string): Promise<AdminResponse> {
  const { rollout } = ctx.config;
  if (!rollout.peek(name)) return problem(ctx, 404, 'No such feature', `There is no feature named "${name}".`);
  const user = ctx.query.get('user') ?? '';
  const typed = ctx.query.get('attributes') ?? '';
  const attributes = readAttributes(typed);
  let answer = html``;
  const errors: Record<string, string> = {};
  if (typeof attributes === 'string') errors.attributes = attributes;
  else if (user !== '') {
    const who = Object.keys(attributes).length > 0 ? { ...attributes, id: user } : user;
    try {
      const why = await rollout.explain(name, who);
      const variant = why.enabled ? await rollout.variant(name, who) : undefined;
      answer = html`<section aria-labelledby="answer-heading">
        <h2 id="answer-heading">For <code>${user}</code></h2>
        <p class="summary" role="status">
          <strong class="${why.enabled ? 'state-on' : 'state-off'}">${explainInWords(user, why)}</strong>
        </p>
        ${variant !== undefined ? html`<p>Variant: <strong>${variant}</strong>.</p>` : ''}
      </section>`;
    } catch (err) {
      if (!(err instanceof HanoiError)) throw err;
      errors[err instanceof InvalidArgumentError && err.field.startsWith('attribute') ? 'attributes' : 'user'] =
        err.message;
    }
  }
  const state: FormState = { errors, values: { user, attributes: typed } };
  return pageResponse(ctx, {
    status: Object.keys(errors).length > 0 ? 400 : 200,
    title: `Why? ${name}`,
    heading: html`Why is <a href="${featureUrl(ctx, name)}">${name}</a> on or off?`,
    main: html`<form method="get" action="${featureUrl(ctx, name, '/explain')}">
        ${field(state, { id: 'user', name: 'user', label: 'User id', required: true })}
        ${field(state, {
          id: 'attributes',
          name: 'attributes',
          label: 'Attributes (optional)',
          hint: 'A JSON object, e.g. { "country": "NL", "plan": "pro" }, for rules and segments to weigh.',
          textarea: true,
        })}
        <button type="submit">Explain</button>
      </form>
      ${answer}`,
  });
}
