/**
 * Whether a write comes from a page of this origin: the `Origin` header, or
 * when a browser left it out the `Referer`, must name `expected` (the
 * scheme and host the request was addressed to, as the app sees them behind
 * a proxy it trusts). Neither header, `Origin: null` or anything unreadable:
 * refused, since a guard that cannot decide denies.
 *
 * @example
 * sameOrigin({ origin: 'https://app.example' }, 'https://app.example'); // true
 */
export function sameOrigin(headers: { origin?: string; referer?: string }, expected: string): boolean {
  const wanted = originOf(expected);
  if (wanted === undefined) return false;
  if (headers.origin !== undefined) return originOf(headers.origin) === wanted;
  if (headers.referer !== undefined) return originOf(headers.referer) === wanted;
  return false;
}

function originOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
    return parsed.origin; // lower-cased host, default port dropped
  } catch {
    return undefined;
  }
}
