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
 * The epoch: `{p}:epoch` holds the id of the version counter's current
 * history and the highest version it reached (hw). A write whose INCR gives
 * a version at or below hw (the counter was deleted or rewound) or that
 * finds no epoch (a flush, a restart without persistence) starts a new one
 * with the id the client proposes. Reads report `''` for a store that has
 * none yet, and `<id>!` for one whose counter went back, so a process sees
 * a reset at once. A feature's `v` counts only in the epoch recorded beside
 * it (`e`); from another epoch it reads as 0.
 *
 * A feature's state travels as { v, HGETALL of its hash, scard, patterns,
 * users } (users empty unless asked for), or as {'damaged', why} when one
 * of its keys has the wrong type: only that feature is affected.
 */
const STATE = `
local function epochNow(version, epochKey)
  local e = redis.call('HMGET', epochKey, 'id', 'hw')
  if not e[1] then return '' end
  if version < tonumber(e[2] or '0') then return e[1] .. '!' end
  return e[1]
end
local function damage(f, u, p)
  local kinds = { { f, 'hash' }, { u, 'set' }, { p, 'set' } }
  for _, k in ipairs(kinds) do
    local t = redis.call('TYPE', k[1])['ok']
    if t ~= 'none' and t ~= k[2] then return k[1] .. ' is a ' .. t .. ', not a ' .. k[2] end
  end
  return false
end
local function state(f, u, p, withUsers, epoch)
  local why = damage(f, u, p)
  if why then return { 'damaged', why } end
  local h = redis.call('HMGET', f, 'v', 'e')
  local v = 0
  if h[2] == epoch then v = tonumber(h[1] or '0') end
  local users = {}
  if withUsers == '1' then users = redis.call('SMEMBERS', u) end
  return { v, redis.call('HGETALL', f), redis.call('SCARD', u), redis.call('SMEMBERS', p), users }
end
`;

// KEYS: index, version, epoch, f, u, p. ARGV: channel, name, deadline (server ms, 0 = none),
// proposed epoch id, op, args... ('add': the number of default values, the defaults, then the
// fields; 'update': the fields, as HSET pairs). Replies {'expired'} (deadline passed: nothing
// applied), {'missing'} (unknown feature: nothing created), {'damaged', why} (nothing applied),
// or {'ok', epoch, version, previous v, state or 0 when removed}.
const WRITE = `${STATE}
if tonumber(ARGV[3]) > 0 then
  local t = redis.call('TIME')
  if tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) > tonumber(ARGV[3]) then return {'expired'} end
end
local name, op = ARGV[2], ARGV[5]
local exists = redis.call('SISMEMBER', KEYS[1], name) == 1
if op ~= 'remove' then
  local why = damage(KEYS[4], KEYS[5], KEYS[6])
  if why then return { 'damaged', why } end
  -- An unreadable value refuses the write too, unless the write replaces it.
  local setting = {}
  if op == 'add' or op == 'update' then
    for i = 6, #ARGV do setting[ARGV[i]] = true end
  end
  local values = redis.call('HMGET', KEYS[4], 'percentage', 'variants')
  local pc = values[1]
  if pc and not setting['percentage'] and (not string.match(pc, '^%d+$') or tonumber(pc) > 100) then
    return { 'damaged', 'the percentage is not 0..100' }
  end
  if values[2] and not setting['variants'] and not pcall(cjson.decode, values[2]) then
    return { 'damaged', 'the variants are not JSON' }
  end
end
if not exists and op ~= 'add' then return {'missing'} end
local v = redis.call('INCR', KEYS[2])
local e = redis.call('HMGET', KEYS[3], 'id', 'hw')
local epoch = e[1]
if not epoch or v <= tonumber(e[2] or '0') then epoch = ARGV[4] end
redis.call('HSET', KEYS[3], 'id', epoch, 'hw', v)
local previous = 0
if exists and redis.call('TYPE', KEYS[4])['ok'] == 'hash' then
  local h = redis.call('HMGET', KEYS[4], 'v', 'e')
  if h[2] == epoch then previous = tonumber(h[1] or '0') end
end
local first = 6
if op == 'add' then
  local n = tonumber(ARGV[6])
  if not exists then
    redis.call('SADD', KEYS[1], name)
    for i = 7, 6 + n, 2 do redis.call('HSET', KEYS[4], ARGV[i], ARGV[i + 1]) end
  end
  first = 7 + n
end
if op == 'add' or op == 'update' then
  for i = first, #ARGV, 2 do redis.call('HSET', KEYS[4], ARGV[i], ARGV[i + 1]) end
elseif op == 'toggle' then
  redis.call('HSET', KEYS[4], 'enabled', redis.call('HGET', KEYS[4], 'enabled') == '0' and '1' or '0')
elseif op == 'sadd' then redis.call('SADD', KEYS[5], unpack(ARGV, 6))
elseif op == 'srem' then redis.call('SREM', KEYS[5], unpack(ARGV, 6))
elseif op == 'padd' then redis.call('SADD', KEYS[6], ARGV[6])
elseif op == 'prem' then redis.call('SREM', KEYS[6], ARGV[6])
elseif op == 'dadd' or op == 'drem' then
  -- The deny list: the data field deny (x:deny), a sorted JSON list of distinct ids, absent when empty.
  local raw = redis.call('HGET', KEYS[4], 'x:deny')
  local ok, list = pcall(cjson.decode, raw or '[]')
  if not ok or type(list) ~= 'table' then list = {} end
  local ids = {}
  for _, id in ipairs(list) do if type(id) == 'string' then ids[id] = true end end
  for i = 6, #ARGV do ids[ARGV[i]] = (op == 'dadd') or nil end
  local sorted = {}
  for id in pairs(ids) do sorted[#sorted + 1] = id end
  table.sort(sorted)
  if #sorted == 0 then redis.call('HDEL', KEYS[4], 'x:deny')
  else redis.call('HSET', KEYS[4], 'x:deny', cjson.encode(sorted)) end
elseif op == 'remove' then
  redis.call('SREM', KEYS[1], name)
  redis.call('DEL', KEYS[4], KEYS[5], KEYS[6])
else return redis.error_reply('hanoi: unknown operation ' .. op) end
redis.call('PUBLISH', ARGV[1], epoch .. ' ' .. v .. ' ' .. name)
if op == 'remove' then return { 'ok', epoch, v, previous, 0 } end
redis.call('HSET', KEYS[4], 'v', v, 'e', epoch)
return { 'ok', epoch, v, previous, state(KEYS[4], KEYS[5], KEYS[6], '0', epoch) }
`;

// KEYS: index, version, epoch. ARGV: base, withUsers. Replies {epoch, version, TIME, {{name, state}...}}: one atomic view.
const SNAPSHOT = `${STATE}
local version = tonumber(redis.call('GET', KEYS[2]) or '0')
local epoch = epochNow(version, KEYS[3])
local base, features = ARGV[1], {}
for i, name in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  features[i] = { name, state(base .. 'f:' .. name, base .. 'u:' .. name, base .. 'p:' .. name, ARGV[2], epoch) }
end
return { epoch, version, redis.call('TIME'), features }
`;

// KEYS: index, version, epoch, f, u, p. ARGV: name, withUsers. Replies {epoch, version, state or 0 when absent}.
const LOAD = `${STATE}
local version = tonumber(redis.call('GET', KEYS[2]) or '0')
local epoch = epochNow(version, KEYS[3])
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 0 then return { epoch, version, 0 } end
return { epoch, version, state(KEYS[4], KEYS[5], KEYS[6], ARGV[2], epoch) }
`;

// KEYS: the user sets of the names asked about. ARGV: the user id. Replies 1/0 per key (0 for a damaged one).
const LOOKUP = `
local found = {}
for i, key in ipairs(KEYS) do
  local t = redis.call('TYPE', key)['ok']
  if t == 'set' then found[i] = redis.call('SISMEMBER', key, ARGV[1]) else found[i] = 0 end
end
return found
`;

// KEYS: version, epoch. Replies {epoch, version, TIME}: the periodic check, and the clock offset for write deadlines.
const HEAD = `${STATE}
local version = tonumber(redis.call('GET', KEYS[1]) or '0')
return { epochNow(version, KEYS[2]), version, redis.call('TIME') }
`;

const SOURCES = { write: WRITE, snapshot: SNAPSHOT, load: LOAD, lookup: LOOKUP, head: HEAD };

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
 * const reply = await runScript(client, 'head', [keys.version, keys.epoch], []);
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
