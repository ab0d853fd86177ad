import { HanoiError } from '@hanoi/core';
import { CsrfTokens } from './csrf';
import { FormBodyError } from './form-body';
import { problem, securityHeaders, seeOther } from './layout';
import { parseAdminOptions, type AdminConfig, type AdminOptions } from './options';
import { sameOrigin } from './origin';
import type { FormState, PageContext } from './page-context';
import { featureUrl, pageUrl, segmentUrl } from './page-context';
import { deletePage, deleteSegmentPage } from './pages/delete';
import { explainPage } from './pages/explain';
import { featurePage } from './pages/feature';
import { listPage } from './pages/list';
import { createFeature, newFeaturePage } from './pages/new-feature';
import { createSegment, newSegmentPage, SEGMENT_ACTIONS, segmentPage, segmentsPage } from './pages/segment';
import { routeOf, type Route } from './routes';
import { FEATURE_SECTIONS } from './sections/all-sections';
import { refusedAs } from './sections/field-errors';
import type { FieldError, SectionAction } from './sections/section';
import { ICON, STYLESHEET } from './style';
import { hasTargeting, readSegment, segmentWritesRefused } from './targeting-support';
import type { AdminRequest, AdminResponse } from './types';
import { writerFor } from './writer';

/** Pages that take a form (POST); every other page is read (GET, HEAD) only. */
const WRITES: ReadonlySet<Route['page']> = new Set([
  'new',
  'delete',
  'action',
  'new-segment',
  'delete-segment',
  'segment-action',
]);

/** Pages that are only ever posted to. */
const POST_ONLY: ReadonlySet<Route['page']> = new Set(['action', 'segment-action']);

/** The segment pages, answered only where the store keeps segments. */
const SEGMENT_PAGES: ReadonlySet<Route['page']> = new Set([
  'segments',
  'new-segment',
  'segment',
  'delete-segment',
  'segment-action',
]);

/** The admin page as one function: a request in, a response out. The adapters translate. */
export type AdminHandler<Req> = (request: AdminRequest, native: Req) => Promise<AdminResponse>;

/**
 * The framework-neutral admin page: every page and action, and the checks in
 * front of them. In order: `authorize` (403 unless it names someone; only
 * the stylesheet and icon are served without it); for a
 * write, read-only mode (403), the `Origin`/`Referer` (403), the form
 * (413/415) and its CSRF token (403); then the page or the action. A write
 * that works answers 303 to a page (Post/Redirect/Get); one the Rollout
 * refuses shows the form again with the message beside the field (400).
 *
 * @example
 * const handle = createAdminHandler({ rollout, authorize: (req) => req.user?.email ?? false });
 * const response = await handle(request, req);
 */
export function createAdminHandler<Req>(options: AdminOptions<Req>): AdminHandler<Req> {
  const config = parseAdminOptions(options);
  const tokens = new CsrfTokens(config.secret);
  const shared = config as AdminConfig<unknown>;

  return async function handleAdmin(request: AdminRequest, native: Req): Promise<AdminResponse> {
    const bare = { base: request.base, config: shared };
    const route = routeOf(request.path);
    // The stylesheet and icon hold nothing but style: served to anyone, so a 403 page is styled too.
    const asset = route?.page === 'stylesheet' || route?.page === 'icon';
    if (asset && (request.method === 'GET' || request.method === 'HEAD'))
      return read({ ...bare, actor: '', csrf: '', query: request.query }, route);
    const actor = await config.authorize(native);
    if (typeof actor !== 'string' || actor === '') {
      return problem(bare, 403, 'Not allowed', 'You are not allowed to see or change the feature flags.');
    }
    const ctx: PageContext = { ...bare, actor, csrf: tokens.issue(actor), query: request.query };
    if (!route) return problem(ctx, 404, 'Not found', 'There is no such page here.');
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    if (SEGMENT_PAGES.has(route.page) && !hasTargeting(ctx.config.rollout)) {
      return problem(ctx, 404, 'Not found', 'This store keeps no segments.');
    }
    const writes = WRITES.has(route.page);
    const reads = !POST_ONLY.has(route.page);
    if (method === 'GET' && reads) return read(ctx, route);
    if (method !== 'POST' || !writes) {
      const allow = [reads ? 'GET, HEAD' : '', writes ? 'POST' : ''].filter(Boolean).join(', ');
      const answer = problem(ctx, 405, 'Method not allowed', `This address answers ${allow} only.`);
      return { ...answer, headers: { ...answer.headers, Allow: allow } };
    }
    if (config.readOnly)
      return problem(ctx, 403, 'Read-only', 'This admin page is read-only: nothing can be changed here.');
    if (!sameOrigin(request.headers, request.origin)) {
      return problem(
        ctx,
        403,
        'Refused',
        'The form did not come from this site (its Origin or Referer is missing or another site’s).',
      );
    }
    let form: URLSearchParams;
    try {
      form = await request.readForm();
    } catch (err) {
      if (err instanceof FormBodyError) return problem(ctx, err.status, 'Refused', err.message);
      throw err;
    }
    if (!tokens.verify(actor, form.get('_csrf'))) {
      return problem(
        ctx,
        403,
        'Refused',
        'The form has expired or did not come from this page. Go back, reload the page and try again.',
      );
    }
    try {
      return await write(ctx, route, form);
    } catch (err) {
      if (err instanceof HanoiError && err.code === 'HANOI_FEATURE_NOT_FOUND') {
        return problem(ctx, 404, 'No such feature', err.message);
      }
      throw err;
    }
  };
}

function read(ctx: PageContext, route: Route): Promise<AdminResponse> | AdminResponse {
  switch (route.page) {
    case 'list':
      return listPage(ctx);
    case 'stylesheet':
      return { status: 200, headers: securityHeaders('text/css; charset=utf-8'), body: STYLESHEET };
    case 'icon':
      return { status: 200, headers: securityHeaders('image/svg+xml'), body: ICON };
    case 'new':
      return newFeaturePage(ctx);
    case 'segments':
      return segmentsPage(ctx);
    case 'new-segment':
      return newSegmentPage(ctx);
    case 'segment':
      return segmentPage(ctx, route.name);
    case 'delete-segment':
      return deleteSegmentPage(ctx, route.name);
    case 'feature':
      return featurePage(ctx, route.name);
    case 'explain':
      return explainPage(ctx, route.name);
    case 'delete':
      return deletePage(ctx, route.name);
    case 'action':
    case 'segment-action':
      return problem(ctx, 405, 'Method not allowed', 'This address takes forms only.');
  }
}

async function write(ctx: PageContext, route: Route, form: URLSearchParams): Promise<AdminResponse> {
  const { rollout } = ctx.config;
  const again = (error: FieldError): FormState => ({
    errors: { [error.field]: error.message },
    values: Object.fromEntries([...form.entries()].filter(([key]) => key !== '_csrf')),
  });
  if (route.page === 'new') {
    const outcome = await createFeature(ctx, form);
    return typeof outcome === 'string' ? seeOther(outcome) : newFeaturePage(ctx, again(outcome), 400);
  }
  if (route.page === 'delete') {
    if (form.get('confirm') !== route.name) {
      const error = {
        field: 'confirm',
        message: 'The name typed is not the name of this feature: nothing was deleted.',
      };
      return deletePage(ctx, route.name, again(error), 400);
    }
    await writerFor(rollout, ctx.actor).remove(route.name);
    return seeOther(pageUrl(ctx, '/', { deleted: route.name }));
  }
  if (route.page === 'new-segment' || route.page === 'delete-segment' || route.page === 'segment-action') {
    return writeSegment(ctx, route, form, again);
  }
  if (route.page !== 'action') return problem(ctx, 404, 'Not found', 'There is no such page here.');
  const action = actionFor(ctx, route.action);
  if (!action) return problem(ctx, 404, 'Not found', 'There is no such action here.');
  if (!rollout.peek(route.name))
    return problem(ctx, 404, 'No such feature', `There is no feature named "${route.name}".`);
  const error = await action.run({ rollout: writerFor(rollout, ctx.actor), name: route.name, form, actor: ctx.actor });
  if (error) return featurePage(ctx, route.name, again(error), 400);
  // Reverting a feature's creation deletes it: back to the list, which says so.
  if (!rollout.peek(route.name)) return seeOther(pageUrl(ctx, '/', { deleted: route.name }));
  return seeOther(featureUrl(ctx, route.name, '', { saved: route.action }));
}

function actionFor(ctx: PageContext, key: string): SectionAction | undefined {
  for (const section of FEATURE_SECTIONS) {
    if (section.available(ctx.config.rollout) && Object.hasOwn(section.actions, key)) return section.actions[key];
  }
  return undefined;
}

/** The writes of the segment pages: create, change, delete; refused (403) where the store cannot write segments. */
async function writeSegment(
  ctx: PageContext,
  route: Extract<Route, { page: 'new-segment' | 'delete-segment' | 'segment-action' }>,
  form: URLSearchParams,
  again: (error: FieldError) => FormState,
): Promise<AdminResponse> {
  const { rollout } = ctx.config;
  const refused = segmentWritesRefused(rollout);
  if (refused) return problem(ctx, 403, 'Segments are read-only here', refused);
  if (route.page === 'new-segment') {
    const outcome = await createSegment(ctx, form);
    return typeof outcome === 'string' ? seeOther(outcome) : newSegmentPage(ctx, again(outcome), 400);
  }
  const action = route.page === 'segment-action' ? SEGMENT_ACTIONS[route.action] : undefined;
  if (route.page === 'segment-action' && (!action || !Object.hasOwn(SEGMENT_ACTIONS, route.action))) {
    return problem(ctx, 404, 'Not found', 'There is no such action here.');
  }
  if (!(await readSegment(rollout, route.name))) {
    return problem(ctx, 404, 'No such segment', `There is no segment named "${route.name}".`);
  }
  const writer = writerFor(rollout, ctx.actor);
  if (route.page === 'delete-segment') {
    const error =
      form.get('confirm') !== route.name
        ? { field: 'confirm', message: 'The name typed is not the name of this segment: nothing was deleted.' }
        : await refusedAs('confirm', () => writer.removeSegment(route.name));
    if (error) return deleteSegmentPage(ctx, route.name, again(error), 400);
    return seeOther(pageUrl(ctx, '/segments', { deleted: route.name }));
  }
  const error = await action!.run({ rollout: writer, name: route.name, form, actor: ctx.actor });
  if (error) return segmentPage(ctx, route.name, again(error), 400);
  // Reverting a segment's creation deletes it: back to the list, which says so.
  if (!(await readSegment(rollout, route.name))) return seeOther(pageUrl(ctx, '/segments', { deleted: route.name }));
  return seeOther(segmentUrl(ctx, route.name, '', { saved: route.action }));
}
