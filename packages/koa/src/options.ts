import type { UserId } from '@hanoi/core';
import { parseAdapterOptions, type AdapterConfig } from '@hanoi/core/internal';
import type { Context } from 'koa';
import type { FeaturesOptions } from './types';

/** The default resolver: `ctx.state.user?.id`, as koa-passport and most auth layers leave it. */
export function defaultUser(ctx: Context): UserId | undefined {
  return (ctx.state as { user?: { id?: UserId } } | undefined)?.user?.id;
}

/**
 * Checks `features()` options: a `TypeError` now rather than a failure on the
 * first request.
 *
 * @example
 * const config = parseFeaturesOptions({ rollout }, 'features');
 */
export function parseFeaturesOptions(options: FeaturesOptions, where: string): AdapterConfig<Context> {
  return parseAdapterOptions(options, where, {
    defaultUser,
    userExample: '(ctx) => ctx.state.user?.id',
    subject: 'the context',
  });
}
