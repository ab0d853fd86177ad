/**
 * Where the page is mounted, from the path the browser asked for and the
 * path left below the mount point: `/flags/new` and `/new` give `/flags`.
 *
 * @example
 * mountBase('/flags/', '/'); // '/flags'
 */
export function mountBase(original: string, below: string): string {
  const base =
    below !== '/' && original.endsWith(below)
      ? original.slice(0, original.length - below.length)
      : original.replace(/\/+$/, '');
  // Redirects start with the base: '//host' would send the browser to another site.
  return base.replace(/^\/{2,}/, '/');
}
