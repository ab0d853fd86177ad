import type { AdminConfig } from './options';

/** What every page and action of one request knows. */
export interface PageContext {
  readonly config: AdminConfig<unknown>;
  /** Where the page is mounted (`/flags`). */
  readonly base: string;
  /** The signed-in person, as `authorize` named them. */
  readonly actor: string;
  /** The CSRF token the forms of this page carry. */
  readonly csrf: string;
  readonly query: URLSearchParams;
}

/** What a form sent back when it was refused: the message by field, and the values to show again. */
export interface FormState {
  errors: Record<string, string>;
  values: Record<string, string>;
}

export const NO_FORM_STATE: FormState = { errors: {}, values: {} };

/**
 * The address of a page below the mount point.
 *
 * @example
 * pageUrl(ctx, '/new'); // '/flags/new'
 */
export function pageUrl(ctx: Pick<PageContext, 'base'>, path: string, query?: Record<string, string | number>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) if (value !== '') params.set(key, String(value));
  const search = params.toString();
  return `${ctx.base}${path}${search ? `?${search}` : ''}`;
}

/** The address of a named thing's page (`/features/<name>`), or of one of its actions (`suffix`). */
type NamedUrl = (
  ctx: Pick<PageContext, 'base'>,
  name: string,
  suffix?: string,
  query?: Record<string, string | number>,
) => string;

function namedUrl(folder: string): NamedUrl {
  return (ctx, name, suffix = '', query) => pageUrl(ctx, `/${folder}/${encodeURIComponent(name)}${suffix}`, query);
}

/**
 * The address of a feature's page, or of one of its actions; the name is
 * percent-encoded, so `a/b` or `<script>` stays one path segment.
 *
 * @example
 * featureUrl(ctx, 'new checkout', '/percentage'); // '/flags/features/new%20checkout/percentage'
 */
export const featureUrl: NamedUrl = namedUrl('features');

/**
 * The address of a segment's page, or of one of its actions; the name is
 * percent-encoded like a feature's.
 *
 * @example
 * segmentUrl(ctx, 'beta-testers', '/delete'); // '/flags/segments/beta-testers/delete'
 */
export const segmentUrl: NamedUrl = namedUrl('segments');
