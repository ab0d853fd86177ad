import { html, type HtmlValue, type SafeHtml } from './html';
import { pageUrl, type PageContext } from './page-context';
import { hasTargeting } from './targeting-support';
import type { AdminResponse } from './types';

/** The Content-Security-Policy of every answer: nothing runs or loads but what the page serves itself. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'";

/** Headers of every answer: the CSP, no framing, no sniffing, no caching of pages with tokens. */
export function securityHeaders(contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  };
}

/** A page's parts: its title (also its `h1`, unless `heading` says otherwise) and its main content. */
export interface PageParts {
  title: string;
  heading?: HtmlValue;
  main: HtmlValue;
  status?: number;
}

/**
 * The frame of every page: banner, navigation, who is signed in, one `h1`
 * and the main content; a skip link for keyboard users.
 *
 * @example
 * return pageResponse(ctx, { title: 'Features', main: html`...` });
 */
export function pageResponse(
  ctx: Pick<PageContext, 'base' | 'config'> & { actor?: string },
  parts: PageParts,
): AdminResponse {
  const { banner, readOnly } = ctx.config;
  const body = html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${parts.title} · Feature flags</title>
        <link rel="stylesheet" href="${pageUrl(ctx, '/admin.css')}" />
        <link rel="icon" href="${pageUrl(ctx, '/favicon.svg')}" type="image/svg+xml" />
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        ${banner ? html`<div class="banner" role="note">${banner}</div>` : ''}
        <header class="top">
          <nav aria-label="Admin">
            <a href="${pageUrl(ctx, '/')}">Features</a>
            ${hasTargeting(ctx.config.rollout) ? html`<a href="${pageUrl(ctx, '/segments')}">Segments</a>` : ''}
            ${readOnly ? '' : html`<a href="${pageUrl(ctx, '/new')}">New feature</a>`}
          </nav>
          <p class="who">
            ${ctx.actor ? html`Signed in as <strong>${ctx.actor}</strong>` : ''}${
              readOnly ? html` <span class="tag">read-only</span>` : ''
            }
          </p>
        </header>
        <main id="main">
          <h1>${parts.heading ?? parts.title}</h1>
          ${parts.main}
        </main>
      </body>
    </html> `;
  return { status: parts.status ?? 200, headers: securityHeaders('text/html; charset=utf-8'), body: body.text };
}

/**
 * A plain page that says what went wrong (403, 404, 413...).
 *
 * @example
 * return problem(ctx, 404, 'Not found', 'There is no feature named "beta".');
 */
export function problem(
  ctx: Pick<PageContext, 'base' | 'config'> & { actor?: string },
  status: number,
  title: string,
  message: string,
): AdminResponse {
  return pageResponse(ctx, {
    status,
    title,
    main: html`<p>${message}</p>
      <p><a href="${pageUrl(ctx, '/')}">Back to the features</a></p>`,
  });
}

/**
 * The answer to a write that worked: 303 to a page (Post/Redirect/Get), so a
 * reload does not post again.
 *
 * @example
 * return seeOther(featureUrl(ctx, name, '', { saved: 'percentage' }));
 */
export function seeOther(location: string): AdminResponse {
  return {
    status: 303,
    headers: { ...securityHeaders('text/plain; charset=utf-8'), Location: location },
    body: `See ${location}`,
  };
}

/**
 * What a page says after a form: the write that worked (`role="status"`),
 * or that a refused one changed nothing (`role="alert"`; the message stands
 * beside its field).
 *
 * @example
 * outcome('The percentage is saved.', false);
 */
export function outcome(saved: string | undefined, refused: boolean): SafeHtml {
  return html`${saved ? html`<p class="saved" role="status">${saved}</p>` : ''}
  ${refused ? html`<p class="error" role="alert">Nothing was changed: see the message below.</p>` : ''}`;
}

/**
 * The link to delete a feature or a segment at the end of its page; none in
 * read-only mode.
 *
 * @example
 * deleteLink(ctx.config, featureUrl(ctx, name, '/delete'), 'feature');
 */
export function deleteLink(config: { readOnly: boolean }, url: string, kind: 'feature' | 'segment'): SafeHtml | '' {
  return config.readOnly
    ? ''
    : html`<h2>Delete</h2>
        <p><a href="${url}">Delete this ${kind}…</a></p>`;
}
