import type { UserId } from '@hanoi/core';
import { parseAdapterOptions, type AdapterConfig } from '@hanoi/core/internal';
import type { Request } from 'express';
import type { FeaturesOptions } from './types';

/** The default resolver: `req.user?.id`, as Passport and most auth layers leave it. */
export function defaultUser(req: Request): UserId | undefined {
  return (req as { user?: { id?: UserId } }).user?.id;
}

/**
 * Checks `features()` options: a `TypeError` now rather than a failure on the
 * first request.
 *
 * @example
 * const config = parseFeaturesOptions({ rollout }, 'features');
 */
export function parseFeaturesOptions(options: FeaturesOptions, where: string): AdapterConfig<Request> {
  return parseAdapterOptions(options, where, {
    defaultUser,
    userExample: '(req) => req.user?.id',
    subject: 'the request',
  });
}
