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
 * users, deny } (users empty unless asked for; deny the members of its deny
 * set when users are asked for or for a write's reply, else their number;
 * patterns the members of the pattern set, or their number for a reply
 * whose process works them out from what it holds),
 * or as {'damaged', why} when one of its keys has the wrong type: only that
 * feature is affected. A deny list is the set d:<name>; one written by an
 * earlier version is the hash field x:deny, read as it is until the next
 * deny or undeny moves it into the set.
 */
const STATE = `
local function epochNow(version, epochKey)
  local e = redis.call('HMGET', epochKey, 'id', 'hw')
  if not e[1] then return '' end
  if version < tonumber(e[2] or '0') then return e[1] .. '!' end
  return e[1]
end
local function damage(f, u, p, d)
  local kinds = { { f, 'hash' }, { u, 'set' }, { p, 'set' }, { d or u, 'set' } }
  for _, k in ipairs(kinds) do
    local t = redis.call('TYPE', k[1])['ok']
    if t ~= 'none' and t ~= k[2] then return k[1] .. ' is a ' .. t .. ', not a ' .. k[2] end
  end
  return false
end
-- withUsers: '1' users and deny members, '0' neither (the deny set's size), '2' deny members only (a write's reply).
-- checked: the caller has checked the keys' types already. noPatterns: the pattern set's size, not its members.
local function state(f, u, p, withUsers, epoch, d, checked, noPatterns)
  local why = not checked and damage(f, u, p, d)
  if why then return { 'damaged', why } end
  local h = redis.call('HMGET', f, 'v', 'e')
  local v = 0
  if h[2] == epoch then v = tonumber(h[1] or '0') end
  local users = {}
  if withUsers == '1' then users = redis.call('SMEMBERS', u) end
  local deny
  if withUsers == '0' then deny = redis.call('SCARD', d) else deny = redis.call('SMEMBERS', d) end
  local patterns
  if noPatterns then patterns = redis.call('SCARD', p) else patterns = redis.call('SMEMBERS', p) end
  return { v, redis.call('HGETALL', f), redis.call('SCARD', u), patterns, users, deny }
end
`;

// KEYS: index, version, epoch, f, u, p, history, heads, d. ARGV: channel, name, deadline (server ms,
// 0 = none), proposed epoch id, actor, reason, source, reverts ('' = none), '1' when the write
// expects ARGV[10] to be the feature's latest entry id, that id, historyLimit, op, args... ('add':
// the number of default values, the defaults, then the fields; 'update': the fields, as HSET pairs;
// 'restore': the number of HSET values, them, the number of users, them, then the patterns).
// Replies {'expired'} (deadline passed: nothing applied), {'missing'} (unknown feature: nothing
// created), {'damaged', why}, {'history', why}, {'conflict', latest id} (nothing applied), or
// {'ok', epoch, version, previous v, state or 0 when removed, entry id}. The state leaves the patterns out
// (their number): the writer knows what its write did to them.
//
// The history entry is a stream entry under the same hash tag, added in this script: before any
// change, after every check, so a write that is refused leaves neither the change nor the entry.
// Its before/after are JSON objects of raw hash values ('x:field', 'enabled' as '1'/'0'...), plus
// 'users'/'patterns' arrays; the codec decodes them.
const WRITE = `${STATE}
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
if tonumber(ARGV[3]) > 0 and now > tonumber(ARGV[3]) then return {'expired'} end
local name, O = ARGV[2], 12
local op = ARGV[O]
local exists = redis.call('SISMEMBER', KEYS[1], name) == 1
-- A write of users only (a register, an unregister, the usual write) reads what its reply carries before it
-- changes anything, and those reads check the keys' types: a read of the wrong type fails, and only then is
-- TYPE asked which key it was. Its reply is then made of them: the hash is unchanged but for v and e.
local users = op == 'sadd' or op == 'srem'
local function failed(r) return type(r) == 'table' and r.err ~= nil end
local function historyDamage()
  for _, k in ipairs({ { KEYS[7], 'stream' }, { KEYS[8], 'hash' } }) do
    local t = redis.call('TYPE', k[1])['ok']
    if t ~= 'none' and t ~= k[2] then return k[1] .. ' is a ' .. t .. ', not a ' .. k[2] end
  end
  return false
end
-- The feature's v and e as read with its checked values (nil for a removal, which skips the checks); for a
-- write of users, its hash and the sizes of its user and pattern sets and its deny list (the reply's).
local held, read
if op ~= 'remove' then
  local values
  if users then
    read = { redis.pcall('HGETALL', KEYS[4]), redis.pcall('SCARD', KEYS[5]), redis.pcall('SCARD', KEYS[6]),
      redis.pcall('SMEMBERS', KEYS[9]) }
    if failed(read[1]) or failed(read[2]) or failed(read[3]) or failed(read[4]) then
      return { 'damaged', damage(KEYS[4], KEYS[5], KEYS[6], KEYS[9]) or 'a key changed type' }
    end
    values = {}
    local at = { percentage = 1, variants = 2, v = 3, e = 4 }
    for i = 1, #read[1], 2 do
      local j = at[read[1][i]]
      if j then values[j] = read[1][i + 1] end
    end
  else
    local why = damage(KEYS[4], KEYS[5], KEYS[6], KEYS[9])
    if why then return { 'damaged', why } end
    values = redis.call('HMGET', KEYS[4], 'percentage', 'variants', 'v', 'e')
  end
  -- An unreadable value refuses the write too, unless the write replaces it.
  local setting = {}
  if op == 'add' or op == 'update' then
    for i = O + 1, #ARGV do setting[ARGV[i]] = true end
  end
  held = { values[3], values[4] }
  local pc = values[1]
  if pc and not setting['percentage'] and (not string.match(pc, '^%d+$') or tonumber(pc) > 100) then
    return { 'damaged', 'the percentage is not 0..100' }
  end
  if values[2] and not setting['variants'] and not pcall(cjson.decode, values[2]) then
    return { 'damaged', 'the variants are not JSON' }
  end
end
if not exists and op ~= 'add' and op ~= 'restore' then return {'missing'} end
-- A write of users finds a damaged history when HGET or XADD fails (before any change); any other, here.
local latest
if users then
  latest = redis.pcall('HGET', KEYS[8], name)
  if failed(latest) then return { 'history', historyDamage() or latest.err } end
else
  local why = historyDamage()
  if why then return { 'history', why } end
  latest = redis.call('HGET', KEYS[8], name)
end
latest = latest or ''
if ARGV[9] == '1' and latest ~= ARGV[10] then
  local why = users and historyDamage()
  if why then return { 'history', why } end
  return { 'conflict', latest, ARGV[10] }
end

-- The deny list as the field x:deny holds it: a sorted JSON list, nil when empty (the set, and an earlier version's field).
local function denyList()
  local ids = {}
  local ok, old = pcall(cjson.decode, redis.call('HGET', KEYS[4], 'x:deny') or '[]')
  if ok and type(old) == 'table' then for _, id in ipairs(old) do if type(id) == 'string' then ids[id] = true end end end
  if redis.call('TYPE', KEYS[9])['ok'] == 'set' then
    for _, id in ipairs(redis.call('SMEMBERS', KEYS[9])) do ids[id] = true end
  end
  return ids
end
local function denyJson(ids)
  local sorted = {}
  for id in pairs(ids) do sorted[#sorted + 1] = id end
  if #sorted == 0 then return nil end
  table.sort(sorted)
  return cjson.encode(sorted)
end
-- Makes the deny set what a JSON list says ('null' or not a list: empty); the field x:deny is dropped.
local function setDeny(text)
  redis.call('DEL', KEYS[9])
  redis.call('HDEL', KEYS[4], 'x:deny')
  local ok, list = pcall(cjson.decode, text or 'null')
  if not ok or type(list) ~= 'table' then return end
  local ids = {}
  for _, id in ipairs(list) do if type(id) == 'string' then ids[#ids + 1] = id end end
  for i = 1, #ids, 1000 do redis.call('SADD', KEYS[9], unpack(ids, i, math.min(i + 999, #ids))) end
end
-- Sets a hash field; the deny list goes to its set.
local function put(field, value)
  if field == 'x:deny' then setDeny(value) else redis.call('HSET', KEYS[4], field, value) end
end
local function field(name)
  if name == 'x:deny' then return denyJson(denyList()) end
  return redis.call('HGET', KEYS[4], name)
end

-- What the write changes, read before it changes anything.
local function whole()
  local t, h = {}, redis.call('HGETALL', KEYS[4])
  for i = 1, #h, 2 do if h[i] ~= 'v' and h[i] ~= 'e' then t[h[i]] = h[i + 1] end end
  t['x:deny'] = denyJson(denyList())
  t['users'] = redis.call('SMEMBERS', KEYS[5])
  t['patterns'] = redis.call('SMEMBERS', KEYS[6])
  return t
end
local function fieldsBefore(from)
  local t = {}
  for i = from, #ARGV, 2 do
    local old = field(ARGV[i])
    if old then t[ARGV[i]] = old end
  end
  return t
end
local function pairsFrom(from, to, t)
  for i = from, to, 2 do t[ARGV[i]] = ARGV[i + 1] end
  return t
end
local function slice(from, to)
  local t = {}
  for i = from, to do t[#t + 1] = ARGV[i] end
  return t
end
local function changed(key, from, present)
  local ids, seen = {}, {}
  for i = from, #ARGV do
    if not seen[ARGV[i]] and (redis.call('SISMEMBER', key, ARGV[i]) == 1) == present then ids[#ids + 1] = ARGV[i] end
    seen[ARGV[i]] = true
  end
  return ids
end
local action, before, after = op, {}, {}
local denyAfter = nil
if op == 'add' and not exists then
  local n = tonumber(ARGV[O + 1])
  action, before = 'create', false
  after = pairsFrom(O + 2 + n, #ARGV, pairsFrom(O + 2, O + 1 + n, {}))
  after['users'], after['patterns'] = {}, {}
elseif op == 'add' then
  action, before = 'update', fieldsBefore(O + 2 + tonumber(ARGV[O + 1]))
  after = pairsFrom(O + 2 + tonumber(ARGV[O + 1]), #ARGV, {})
elseif op == 'update' then
  before, after = fieldsBefore(O + 1), pairsFrom(O + 1, #ARGV, {})
elseif op == 'toggle' then
  local old = redis.call('HGET', KEYS[4], 'enabled') or '1'
  before, after = { enabled = old }, { enabled = old == '0' and '1' or '0' }
elseif op == 'sadd' then action, after = 'register', { users = changed(KEYS[5], O + 1, false) }
elseif op == 'srem' then action, before = 'unregister', { users = changed(KEYS[5], O + 1, true) }
elseif op == 'padd' then action, after = 'register', { patterns = changed(KEYS[6], O + 1, false) }
elseif op == 'prem' then action, before = 'unregister', { patterns = changed(KEYS[6], O + 1, true) }
elseif op == 'dadd' or op == 'drem' then
  -- The deny list: the set d:<name>, read as the data field deny (x:deny), a sorted JSON list of distinct
  -- ids, absent when empty. Recorded as the change of that field, so a revert and a replay treat it as any
  -- other data field.
  local ids = denyList()
  local raw = denyJson(ids)
  for i = O + 1, #ARGV do ids[ARGV[i]] = (op == 'dadd') or nil end
  denyAfter = denyJson(ids)
  action = op == 'dadd' and 'deny' or 'undeny'
  before = { ['x:deny'] = raw or 'null' }
  after = { ['x:deny'] = denyAfter or 'null' }
elseif op == 'remove' then
  local why = damage(KEYS[4], KEYS[5], KEYS[6], KEYS[9])
  before, after = why and { damaged = why } or whole(), false
elseif op == 'restore' then
  before = exists and whole()
  local n = tonumber(ARGV[O + 1])
  local m = tonumber(ARGV[O + 2 + n])
  after = pairsFrom(O + 2, O + 1 + n, {})
  after['users'] = slice(O + 3 + n, O + 2 + n + m)
  after['patterns'] = slice(O + 3 + n + m, #ARGV)
else return redis.error_reply('hanoi: unknown operation ' .. op) end
if ARGV[8] ~= '' then action = 'revert' end
local function json(t) if not t then return 'null' end return cjson.encode(t) end
-- The version and epoch this write gets, and the feature's version before it, worked out before any change.
local v = tonumber(redis.call('GET', KEYS[2]) or '0') + 1
local e = redis.call('HMGET', KEYS[3], 'id', 'hw')
local epoch = e[1]
if not epoch or v <= tonumber(e[2] or '0') then epoch = ARGV[4] end
local previous = 0
-- Any write but a removal read v and e above, with the hash's type checked; nothing changed since.
if exists and not held and redis.call('TYPE', KEYS[4])['ok'] == 'hash' then held = redis.call('HMGET', KEYS[4], 'v', 'e') end
if exists and held and held[2] == epoch then previous = tonumber(held[1] or '0') end
-- The entry also links the feature's writes (v: this version, q: the one before, e: their epoch, p: the
-- feature's previous entry), so another process can apply what changed since the version it holds.
local entry = redis.pcall('XADD', KEYS[7], 'MAXLEN', ARGV[11], '*', 'f', name, 'a', action, 'w', ARGV[5],
  'r', ARGV[6], 's', ARGV[7], 'x', ARGV[8], 't', now,
  'b', json(before), 'n', json(after), 'v', v, 'q', previous, 'e', epoch, 'p', latest)
if failed(entry) then
  local why = historyDamage()
  if why then return { 'history', why } end
  return entry
end
redis.call('HSET', KEYS[8], name, entry)
redis.call('INCR', KEYS[2])
redis.call('HSET', KEYS[3], 'id', epoch, 'hw', v)
local function sadd(key, from, to)
  for i = from, to, 1000 do redis.call('SADD', key, unpack(ARGV, i, math.min(i + 999, to))) end
end
local first = O + 1
if op == 'add' then
  local n = tonumber(ARGV[O + 1])
  if not exists then
    redis.call('SADD', KEYS[1], name)
    for i = O + 2, O + 1 + n, 2 do put(ARGV[i], ARGV[i + 1]) end
  end
  first = O + 2 + n
end
if op == 'add' or op == 'update' then
  for i = first, #ARGV, 2 do put(ARGV[i], ARGV[i + 1]) end
elseif op == 'toggle' then
  redis.call('HSET', KEYS[4], 'enabled', after['enabled'])
elseif op == 'sadd' then redis.call('SADD', KEYS[5], unpack(ARGV, O + 1))
elseif op == 'srem' then redis.call('SREM', KEYS[5], unpack(ARGV, O + 1))
elseif op == 'padd' then redis.call('SADD', KEYS[6], ARGV[O + 1])
elseif op == 'prem' then redis.call('SREM', KEYS[6], ARGV[O + 1])
elseif op == 'dadd' or op == 'drem' then
  -- Only the ids given change in the set; a list an earlier version kept in the field moves into it.
  local from = redis.call('HGET', KEYS[4], 'x:deny')
  if from then setDeny(denyAfter) else
    for i = O + 1, #ARGV, 1000 do
      redis.call(op == 'dadd' and 'SADD' or 'SREM', KEYS[9], unpack(ARGV, i, math.min(i + 999, #ARGV)))
    end
  end
elseif op == 'remove' then
  redis.call('SREM', KEYS[1], name)
  redis.call('DEL', KEYS[4], KEYS[5], KEYS[6], KEYS[9])
elseif op == 'restore' then
  local n = tonumber(ARGV[O + 1])
  local m = tonumber(ARGV[O + 2 + n])
  redis.call('DEL', KEYS[4], KEYS[5], KEYS[6], KEYS[9])
  redis.call('SADD', KEYS[1], name)
  for i = O + 2, O + 1 + n, 2 do put(ARGV[i], ARGV[i + 1]) end
  if m > 0 then sadd(KEYS[5], O + 3 + n, O + 2 + n + m) end
  if #ARGV >= O + 3 + n + m then sadd(KEYS[6], O + 3 + n + m, #ARGV) end
end
redis.call('PUBLISH', ARGV[1], epoch .. ' ' .. v .. ' ' .. name)
if op == 'remove' then return { 'ok', epoch, v, previous, 0, entry } end
redis.call('HSET', KEYS[4], 'v', v, 'e', epoch)
if users then
  -- What was read before the change, with what this write changed: its ids, each one that changed.
  local count = read[2] + (op == 'sadd' and #after['users'] or -#before['users'])
  return { 'ok', epoch, v, previous, { v, read[1], count, read[3], {}, read[4] }, entry }
end
-- The keys' types were checked above and the write kept them.
return { 'ok', epoch, v, previous, state(KEYS[4], KEYS[5], KEYS[6], '2', epoch, KEYS[9], true, true), entry }
`;

// KEYS: index, version, epoch. ARGV: base, withUsers. Replies {epoch, version, TIME, {{name, state}...}}: one atomic view.
const SNAPSHOT = `${STATE}
local version = tonumber(redis.call('GET', KEYS[2]) or '0')
local epoch = epochNow(version, KEYS[3])
local base, features = ARGV[1], {}
for i, name in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local f, u, p, d = base .. 'f:' .. name, base .. 'u:' .. name, base .. 'p:' .. name, base .. 'd:' .. name
  features[i] = { name, state(f, u, p, ARGV[2], epoch, d) }
end
return { epoch, version, redis.call('TIME'), features }
`;

// KEYS: index, version, epoch, f, u, p, history, heads, d. ARGV: name, withUsers. Replies {epoch, version, state or 0 when absent}.
const LOAD = `${STATE}
local version = tonumber(redis.call('GET', KEYS[2]) or '0')
local epoch = epochNow(version, KEYS[3])
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 0 then return { epoch, version, 0 } end
return { epoch, version, state(KEYS[4], KEYS[5], KEYS[6], ARGV[2], epoch, KEYS[9]) }
`;

// KEYS: index, version, epoch, f, u, p, history, heads, d. ARGV: name, the epoch and version of the feature the caller
// holds, at most how many writes and how many bytes of their entries to send, '1' when the caller holds users ('0':
// it looks them up). Replies {epoch, version, 0} when the feature is absent; {epoch, version, state without users or
// patterns, changes} when the history links every write since the held version (changes: {before, after} of each
// write's entry, newest first; for a caller that looks users up, only the writes that changed patterns); else
// {epoch, version, whole state}.
const SINCE = `${STATE}
local version = tonumber(redis.call('GET', KEYS[2]) or '0')
local epoch = epochNow(version, KEYS[3])
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 0 then return { epoch, version, 0 } end
local holds = ARGV[6] == '1'
local function whole()
  return { epoch, version, state(KEYS[4], KEYS[5], KEYS[6], holds and '1' or '0', epoch, KEYS[9]) }
end
local held = tonumber(ARGV[3])
if ARGV[2] ~= epoch or not held or held <= 0 or damage(KEYS[4], KEYS[5], KEYS[6], KEYS[9]) then return whole() end
if redis.call('TYPE', KEYS[7])['ok'] ~= 'stream' or redis.call('TYPE', KEYS[8])['ok'] ~= 'hash' then return whole() end
local h = redis.call('HMGET', KEYS[4], 'v', 'e')
local want = tonumber(h[1] or '0')
if h[2] ~= epoch or want < held then return whole() end
local changes, bytes, id = {}, 0, redis.call('HGET', KEYS[8], ARGV[1])
while want ~= held do
  if not id or id == '' or #changes >= tonumber(ARGV[4]) then return whole() end
  local found = redis.call('XRANGE', KEYS[7], id, id)
  if #found == 0 then return whole() end
  local f, raw = {}, found[1][2]
  for i = 1, #raw, 2 do f[raw[i]] = raw[i + 1] end
  if f['e'] ~= epoch or tonumber(f['v'] or '') ~= want or f['f'] ~= ARGV[1] then return whole() end
  local b, n = f['b'] or 'null', f['n'] or 'null'
  -- An entry that changed patterns records them under the key "patterns" (quotes in values are escaped).
  if holds or string.find(b, '"patterns":', 1, true) or string.find(n, '"patterns":', 1, true) then
    bytes = bytes + #b + #n
    if bytes > tonumber(ARGV[5]) then return whole() end
    changes[#changes + 1] = { b, n }
  end
  want, id = tonumber(f['q'] or ''), f['p']
  if not want or want < held then return whole() end
end
return { epoch, version, state(KEYS[4], KEYS[5], KEYS[6], holds and '2' or '0', epoch, KEYS[9], true, true), changes }
`;

// KEYS: the user sets asked about (features', segments', deny lists). ARGV: the unit asked of each key, in order.
// Replies 1/0 per key, or 2 (UNREADABLE) for a key it could not read: every unit of a request in one call. One
// SISMEMBER per key: on a key of another type it fails (WRONGTYPE), and pcall keeps that failure to its key.
const LOOKUP = `
local found = {}
for i, key in ipairs(KEYS) do
  local r = redis.pcall('SISMEMBER', key, ARGV[i])
  if type(r) == 'number' then found[i] = r else found[i] = 2 end
end
return found
`;

/** What the lookup script answers for a key it could not read (another type): the caller decides closed. */
export const UNREADABLE = 2;

// KEYS: version, epoch. Replies {epoch, version, TIME}: the periodic check, and the clock offset for write deadlines.
const HEAD = `${STATE}
local version = tonumber(redis.call('GET', KEYS[1]) or '0')
return { epochNow(version, KEYS[2]), version, redis.call('TIME') }
`;

// KEYS: history. Replies how many entries retention dropped: what was ever added less what is kept (Redis 7's XINFO).
const DROPPED = `
if redis.call('TYPE', KEYS[1])['ok'] ~= 'stream' then return 0 end
local info = redis.call('XINFO', 'STREAM', KEYS[1])
local added, length = nil, 0
for i = 1, #info, 2 do
  if info[i] == 'entries-added' then added = info[i + 1] end
  if info[i] == 'length' then length = info[i + 1] end
end
if not added then return 0 end
return math.max(added - length, 0)
`;

const SOURCES = {
  dropped: DROPPED,
  write: WRITE,
  snapshot: SNAPSHOT,
  load: LOAD,
  since: SINCE,
  lookup: LOOKUP,
  head: HEAD,
};

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
