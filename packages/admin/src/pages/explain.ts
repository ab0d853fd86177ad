import { HanoiError } from '@hanoi/core';
import { explainInWords } from '../describe';
import { field } from '../forms';
import { html } from '../html';
import { pageResponse, problem } from '../layout';
import { featureUrl, type FormState, type PageContext } from '../page-context';
import type { AdminResponse } from '../types';

/**
 * "Why is it on for this user?": `rollout.explain` in words, and the
 * variant the user gets.
 *
 * @example
 * GET /flags/features/beta/explain?user=alice
 */
export async function explainPage(ctx: PageContext, name: string): Promise<AdminResponse> {
  const { rollout } = ctx.config;
  if (!rollout.peek(name)) return problem(ctx, 404, 'No such feature', `There is no feature named "${name}".`);
  const user = ctx.query.get('user') ?? '';
  let answer = html``;
  let error: string | undefined;
  if (user !== '') {
    try {
      const why = await rollout.explain(name, user);
      const variant = why.enabled ? await rollout.variant(name, user) : undefined;
      answer = html`<section aria-labelledby="answer-heading">
        <h2 id="answer-heading">For <code>${user}</code></h2>
        <p class="summary" role="status">
          <strong class="${why.enabled ? 'state-on' : 'state-off'}">${explainInWords(user, why)}</strong>
        </p>
        ${variant !== undefined ? html`<p>Variant: <strong>${variant}</strong>.</p>` : ''}
      </section>`;
    } catch (err) {
      if (!(err instanceof HanoiError)) throw err;
      error = err.message;
    }
  }
  const state: FormState = { errors: error ? { user: error } : {}, values: { user } };
  return pageResponse(ctx, {
    status: error ? 400 : 200,
    title: `Why? ${name}`,
    heading: html`Why is <a href="${featureUrl(ctx, name)}">${name}</a> on or off?`,
    main: html`<form method="get" action="${featureUrl(ctx, name, '/explain')}" class="row">
        ${field(state, { id: 'user', name: 'user', label: 'User id', required: true })}
        <button type="submit">Explain</button>
      </form>
      ${answer}`,
  });
}
