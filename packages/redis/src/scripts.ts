import { createHash } from 'node:crypto';
import type { ChainableCommander, Cluster, Redis } from 'ioredis';

/** The client a backend is handed: a standalone ioredis `Redis` or a `Cluster`. */
export type RedisClient = Redis | Cluster;

/*
 * All the Lua of the package. Every script names at least one key of the
 * prefix as KEYS[1], so a Cluster routes it to the prefix's slot; the other
 * keys it touches share the hash tag, hence the slot. `snapshot` builds
 * per-feature keys from `base` exactly as keys.ts does.
 *
 * A feature's state travels as { v, enabled, percentage, variants, scard,
 * patterns, users } (users empty unless asked for).
 */
const STATE = `
local function state(f, u, p, withUsers)
  local h = redis.call('HMGET', f, 'enabled', 'percentage', 'variants', 'v')
  local users = {}
  if withUsers == '1' then users = redis.call('SMEMBERS', u) end
  return { tonumber(h[4] or '0'), h[1] or '1', h[2] or '0', h[3] or '[]',
    redis.call('SCARD', u), redis.call('SMEMBERS', p), users }
end
`;

// KEYS: index, version, f, u, p. ARGV: channel, name, deadline (server ms, 0 = none), withUsers, op, args...
// Replies {'expired'} (deadline passed: nothing applied), {'missing'} (unknown
// feature: nothing created), {'removed', v} or {'ok', state}.
const WRITE = `${STATE}
if tonumber(ARGV[3]) > 0 then
  local t = redis.call('TIME')
  if tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) > tonumber(ARGV[3]) then return {'expired'} end
end
local name, op = ARGV[2], ARGV[5]
local exists = redis.call('SISMEMBER', KEYS[1], name) == 1
if not exists and op ~= 'add' then return {'missing'} end
if op == 'add' and not exists then
  redis.call('SADD', KEYS[1], name)
  redis.call('HSET', KEYS[3], 'enabled', '1', 'percentage', '0', 'variants', '[]')
end
if op == 'add' or op == 'update' then
  for i = 6, #ARGV, 2 do redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1]) end
elseif op == 'toggle' then
  redis.call('HSET', KEYS[3], 'enabled', redis.call('HGET', KEYS[3], 'enabled') == '0' and '1' or '0')
elseif op == 'sadd' then redis.call('SADD', KEYS[4], unpack(ARGV, 6))
elseif op == 'srem' then redis.call('SREM', KEYS[4], unpack(ARGV, 6))
elseif op == 'padd' then redis.call('SADD', KEYS[5], ARGV[6])
elseif op == 'prem' then redis.call('SREM', KEYS[5], ARGV[6])
elseif op == 'remove' then
  redis.call('SREM', KEYS[1], name)
  redis.call('DEL', KEYS[3], KEYS[4], KEYS[5])
else return redis.error_reply('hanoi: unknown operation ' .. op) end
local v = redis.call('INCR', KEYS[2])
redis.call('PUBLISH', ARGV[1], v .. ' ' .. name)
if op == 'remove' then return {'removed', v} end
redis.call('HSET', KEYS[3], 'v', v)
return {'ok', state(KEYS[3], KEYS[4], KEYS[5], ARGV[4])}
`;

// KEYS: index, version. ARGV: base, withUsers. Replies {version, TIME, {{name, state}...}}: one atomic view.
const SNAPSHOT = `${STATE}
local base, features = ARGV[1], {}
for i, name in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  features[i] = { name, state(base .. 'f:' .. name, base .. 'u:' .. name, base .. 'p:' .. name, ARGV[2]) }
end
return { tonumber(redis.call('GET', KEYS[2]) or '0'), redis.call('TIME'), features }
`;

// KEYS: index, version, f, u, p. ARGV: name, withUsers. Replies {version, state} or {version, 0} when removed.
const LOAD = `${STATE}
local version = tonumber(redis.call('GET', KEYS[2]) or '0')
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 0 then return { version, 0 } end
return { version, state(KEYS[3], KEYS[4], KEYS[5], ARGV[2]) }
`;

// KEYS: the user sets of the names asked about. ARGV: the user id. Replies 1/0 per key.
const LOOKUP = `
local found = {}
for i, key in ipairs(KEYS) do found[i] = redis.call('SISMEMBER', key, ARGV[1]) end
return found
`;

// KEYS: version. Replies {version, TIME}: the periodic check, and the clock offset for write deadlines.
const CLOCK = `return { tonumber(redis.call('GET', KEYS[1]) or '0'), redis.call('TIME') }`;

const SOURCES = { write: WRITE, snapshot: SNAPSHOT, load: LOAD, lookup: LOOKUP, clock: CLOCK };

/** The scripts, by the name the backend calls them. */
export type ScriptName = keyof typeof SOURCES;

// The command name carries a hash of the source, so two versions of this
// package sharing one client never run each other's Lua.
const COMMANDS = Object.fromEntries(
  Object.entries(SOURCES).map(([name, lua]) => [
    name,
    `hanoi_${name}_${createHash('sha1').update(lua).digest('hex').slice(0, 10)}`,
  ]),
) as Record<ScriptName, string>;

/**
 * Defines the scripts on `client` with ioredis `defineCommand` (EVALSHA,
 * falling back to EVAL when the server does not have the script yet).
 *
 * @example
 * defineScripts(client);
 */
export function defineScripts(client: RedisClient): void {
  for (const [name, command] of Object.entries(COMMANDS) as [ScriptName, string][]) {
    if (typeof (client as unknown as Record<string, unknown>)[command] !== 'function') {
      client.defineCommand(command, { lua: SOURCES[name] });
    }
  }
}

/**
 * Calls a script on a client (or queues it on a pipeline).
 *
 * @example
 * const reply = await runScript(client, 'clock', [keys.version], []);
 */
export function runScript(
  target: RedisClient | ChainableCommander,
  name: ScriptName,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  const call = (target as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[COMMANDS[name]];
  if (typeof call !== 'function')
    throw new Error(`hanoi: script ${name} is not defined on this client; call defineScripts first.`);
  return call.call(target, keys.length, ...keys, ...args);
}
