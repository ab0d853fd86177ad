import { describeFeature } from '../describe';
import { factsOf } from '../feature-facts';
import { html } from '../html';
import { deleteLink, outcome, pageResponse, problem } from '../layout';
import { featureUrl, NO_FORM_STATE, type FormState, type PageContext } from '../page-context';
import { FEATURE_SECTIONS } from '../sections/all-sections';
import type { AdminResponse } from '../types';

/** The message of each action once it worked, by action key (`?saved=percentage`). */
export function doneMessage(key: string): string | undefined {
  for (const section of FEATURE_SECTIONS) {
    if (Object.hasOwn(section.actions, key)) return section.actions[key]!.done;
  }
  return key === 'created' ? 'The feature is created.' : undefined;
}

/**
 * A feature's page: its state in words, then each section the rollout
 * supports; a refused form comes back with its errors beside the fields.
 *
 * @example
 * GET /flags/features/beta?users_q=alice
 */
export async function featurePage(
  ctx: PageContext,
  name: string,
  form: FormState = NO_FORM_STATE,
  status = 200,
): Promise<AdminResponse> {
  const { rollout } = ctx.config;
  const state = rollout.peek(name);
  if (!state) return problem(ctx, 404, 'No such feature', `There is no feature named "${name}".`);
  const sections = FEATURE_SECTIONS.filter((section) => section.available(rollout));
  // A section renders synchronously or not (history and users read the store): each becomes a promise.
  const parts = await Promise.all(sections.map(async (section) => section.render({ ctx, name, state, form })));
  const saved = status === 200 ? doneMessage(ctx.query.get('saved') ?? '') : undefined;
  const refused = Object.keys(form.errors).length > 0;
  return pageResponse(ctx, {
    status,
    title: refused ? `Error: ${name}` : name,
    heading: html`<span class="muted">Feature</span> ${name}`,
    main: html`${outcome(saved, refused)}
      <p class="summary">Now: <strong>${describeFeature(factsOf(state))}</strong>.</p>
      <form method="get" action="${featureUrl(ctx, name, '/explain')}" class="row">
        <div class="field">
          <label for="explain-user">Why is it on or off for this user?</label>
          <input type="text" id="explain-user" name="user" required />
        </div>
        <button type="submit" class="secondary">Explain</button>
      </form>
      ${parts} ${deleteLink(ctx.config, featureUrl(ctx, name, '/delete'), 'feature')}`,
  });
}
