/** Where a path below the mount point leads. */
export type Route =
  | { page: 'list' }
  | { page: 'stylesheet' }
  | { page: 'icon' }
  | { page: 'new' }
  | { page: 'segments' }
  | { page: 'new-segment' }
  | { page: 'segment'; name: string }
  | { page: 'delete-segment'; name: string }
  | { page: 'segment-action'; name: string; action: string }
  | { page: 'feature'; name: string }
  | { page: 'explain'; name: string }
  | { page: 'delete'; name: string }
  | { page: 'action'; name: string; action: string };

/**
 * Reads a path below the mount point (`/features/a%2Fb/percentage`,
 * `/segments/beta-testers/delete`); a feature or segment name is one
 * percent-encoded path segment, so it may hold any character.
 *
 * @example
 * routeOf('/features/beta/explain'); // { page: 'explain', name: 'beta' }
 */
export function routeOf(path: string): Route | undefined {
  const parts = path.replace(/^\/+/, '').split('/');
  if (parts.length === 1 && parts[0] === '') return { page: 'list' };
  if (parts.length === 1 && parts[0] === 'admin.css') return { page: 'stylesheet' };
  if (parts.length === 1 && parts[0] === 'favicon.svg') return { page: 'icon' };
  if (parts.length === 1 && parts[0] === 'new') return { page: 'new' };
  if (parts.length === 1 && parts[0] === 'segments') return { page: 'segments' };
  if (parts.length === 1 && parts[0] === 'new-segment') return { page: 'new-segment' };
  if ((parts[0] !== 'features' && parts[0] !== 'segments') || parts.length < 2 || parts.length > 3) return undefined;
  let name: string;
  try {
    name = decodeURIComponent(parts[1]!);
  } catch {
    return undefined;
  }
  if (name === '') return undefined;
  const rest = parts[2];
  if (parts[0] === 'segments') {
    if (rest === undefined || rest === '') return { page: 'segment', name };
    if (rest === 'delete') return { page: 'delete-segment', name };
    return { page: 'segment-action', name, action: rest };
  }
  if (rest === undefined || rest === '') return { page: 'feature', name };
  if (rest === 'explain' || rest === 'delete') return { page: rest, name };
  return { page: 'action', name, action: rest };
}
