import { UsageError } from './exit-codes';

/** Where and how `hanoi` connects, parsed once from the global options and the environment. */
export interface CliConfig {
  /** A Redis URL (`--redis` or `REDIS_URL`); absent when `cluster` is given. */
  redisUrl?: string;
  /** Cluster seed nodes (`--cluster host:port,...`). */
  cluster?: { host: string; port: number }[];
  /** The key prefix shared with the apps (`--prefix`). */
  prefix?: string;
  /** A PostgreSQL URL (`--postgres`) instead of Redis; `schema` is then the apps' schema (`--schema`). */
  postgresUrl?: string;
  schema?: string;
  /**
   * Which backend class the CLI itself uses; both share one key layout, so
   * this does not change what the apps see. Default `highperf`: the CLI never
   * needs every user set in memory, and `simple` brings a feature's whole
   * user set back after each write (slow for a large `--file`).
   */
  backend: 'simple' | 'highperf';
  /** How long to wait for Redis before giving up with exit code 4, in milliseconds. */
  timeoutMs: number;
  /** Machine-readable output on stdout. */
  json: boolean;
  /** Whether a progress bar may be drawn (it is only drawn when stderr is a terminal). */
  progress: boolean;
  /** Who makes the changes (`--actor`); the Rollout's default, `user@host`, when absent. */
  actor?: string;
  /** Why (`--reason`). */
  reason?: string;
}

/** The global options as commander hands them over. */
export interface GlobalOptions {
  redis?: string;
  cluster?: string;
  prefix?: string;
  postgres?: string;
  schema?: string;
  backend?: string;
  timeout?: string;
  json?: boolean;
  progress?: boolean;
  actor?: string;
  reason?: string;
}

/**
 * Turns the global options into a complete config, or throws a `UsageError`
 * that says what to pass. Nothing connects here.
 *
 * @example
 * parseConfig({ redis: 'redis://127.0.0.1:6390' }, {}); // { redisUrl: 'redis://127.0.0.1:6390', backend: 'simple', ... }
 */
export function parseConfig(options: GlobalOptions, env: NodeJS.ProcessEnv): CliConfig {
  const backend = options.backend ?? 'highperf';
  if (backend !== 'simple' && backend !== 'highperf') {
    throw new UsageError(`--backend is "simple" or "highperf", not ${JSON.stringify(backend)}.`);
  }
  const timeoutMs = options.timeout === undefined ? 3000 : Number(options.timeout);
  if (!/^\d+$/.test(options.timeout ?? '0') || timeoutMs < 100 || timeoutMs > 600_000) {
    throw new UsageError(
      `--timeout is a whole number of milliseconds from 100 to 600000, not ${JSON.stringify(options.timeout)}.`,
    );
  }
  const config: CliConfig = {
    backend,
    timeoutMs,
    json: options.json === true,
    progress: options.progress !== false,
  };
  if (options.prefix !== undefined) config.prefix = options.prefix;
  if (options.actor !== undefined) config.actor = options.actor;
  if (options.reason !== undefined) config.reason = options.reason;
  if (options.postgres !== undefined) return withPostgres(config, options);
  if (options.cluster !== undefined) {
    if (options.redis !== undefined) throw new UsageError('Give --redis or --cluster, not both.');
    config.cluster = parseNodes(options.cluster);
    return config;
  }
  const url = options.redis ?? env.REDIS_URL;
  if (url === undefined || url === '') {
    throw new UsageError('Which Redis? Pass --redis redis://host:port, --cluster host:port,... or set REDIS_URL.');
  }
  if (!/^rediss?:\/\//.test(url)) {
    throw new UsageError(`--redis takes a URL such as redis://127.0.0.1:6379, not ${JSON.stringify(url)}.`);
  }
  config.redisUrl = url;
  return config;
}

function parseNodes(list: string): { host: string; port: number }[] {
  const nodes = list
    .split(',')
    .filter((part) => part !== '')
    .map((part) => {
      const match = /^(.+):(\d{1,5})$/.exec(part.trim());
      const port = match ? Number(match[2]) : NaN;
      if (!match || port < 1 || port > 65535) {
        throw new UsageError(`--cluster takes host:port,host:port,...; ${JSON.stringify(part)} is not host:port.`);
      }
      return { host: match[1]!, port };
    });
  if (nodes.length === 0) throw new UsageError('--cluster needs at least one host:port.');
  return nodes;
}

/** The config for `--postgres URL [--schema NAME]`, checked. */
function withPostgres(config: CliConfig, options: GlobalOptions): CliConfig {
  if (options.redis !== undefined || options.cluster !== undefined) {
    throw new UsageError('Give --postgres or --redis/--cluster, not both.');
  }
  if (!/^postgres(ql)?:\/\//.test(options.postgres!)) {
    throw new UsageError(
      `--postgres takes a URL such as postgres://user@host:5432/app, not ${JSON.stringify(options.postgres)}.`,
    );
  }
  config.postgresUrl = options.postgres;
  if (options.schema !== undefined) config.schema = options.schema;
  return config;
}
