import type { Rollout } from '@hanoi/core';
import type { Command } from 'commander';
import { parseConfig, type CliConfig, type GlobalOptions } from './config';
import { Output, type CliIo } from './output';

/** An open connection to the features: a loaded `Rollout` and how to let it go. */
export interface Session {
  rollout: Rollout;
  /** How many users a feature lists, without reading them all; from `getFunc` when absent. */
  userCount?(name: string): Promise<number>;
  /** Closes the backend and quits the Redis client the CLI opened. */
  close(): Promise<void>;
}

/** Opens a session for a config; `openRedisSession` unless one is injected. */
export type OpenSession = (config: CliConfig) => Promise<Session>;

/**
 * What a command's action works with: the parsed config, the output and a
 * way to reach the rollout. Built once per run from the global options.
 *
 * @example
 * const context = new CommandContext(command, io, openRedisSession);
 * await context.withRollout((rollout) => rollout.enable('beta'));
 */
export class CommandContext {
  readonly config: CliConfig;
  readonly out: Output;

  constructor(
    command: Command,
    readonly io: CliIo,
    private readonly open: OpenSession,
  ) {
    this.config = parseConfig(command.optsWithGlobals<GlobalOptions>(), io.env);
    this.out = new Output(io, this.config.json);
  }

  /**
   * Opens the session, runs `fn` with the loaded rollout and always closes
   * the session afterwards, so the process can exit.
   *
   * @example
   * const names = await context.withRollout((rollout) => rollout.listFuncs());
   */
  async withRollout<T>(fn: (rollout: Rollout, session: Session) => Promise<T>): Promise<T> {
    const { actor, reason } = this.config;
    const session = await this.open(this.config);
    try {
      // --actor and --reason: what history records for every change of this run (the actor defaults to user@host).
      const rollout =
        actor !== undefined || reason !== undefined
          ? session.rollout.as({
              ...(actor !== undefined ? { actor } : {}),
              ...(reason !== undefined ? { reason } : {}),
            })
          : session.rollout;
      return await fn(rollout, session);
    } finally {
      await session.close();
    }
  }

  /** Whether a progress bar may be drawn: asked for, and stderr is a terminal. */
  get showProgress(): boolean {
    return this.config.progress && this.io.stderr.isTTY === true;
  }
}

/**
 * Wires an async action into commander: builds the context from the global
 * options, then calls `fn` with the positional arguments, the command's own
 * options and the context.
 *
 * @example
 * program.command('enable <name>').action(action(open, io, async ([name], _opts, ctx) => { ... }));
 */
export function action<O = Record<string, unknown>>(
  open: OpenSession,
  io: CliIo,
  fn: (args: string[], options: O, context: CommandContext) => Promise<void>,
): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const options = command.opts<O & object>();
    const positional = args.slice(0, -2).flatMap((arg) => (Array.isArray(arg) ? arg : [arg])) as string[];
    await fn(
      positional.filter((arg) => arg !== undefined),
      options,
      new CommandContext(command, io, open),
    );
  };
}
