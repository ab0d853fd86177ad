/**
 * Where the page is mounted, from the path the browser asked for and the
 * path left below the mount point: `/flags/new` and `/new` give `/flags`.
 *
 * @example
 * mountBase('/flags/', '/'); // '/flags'
 */
export function mountBase(original: string, below: string): string {
  if (below !== '/' && original.endsWith(below)) return original.slice(0, original.length - below.length);
  return original.replace(/\/+$/, '');
}
