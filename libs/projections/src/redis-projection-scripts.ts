/**
 * The Lua side of the Redis projection (see docs/decisions/0018-projection-generations.md).
 *
 * Layout, under the store's key prefix P:
 * - `P projection` (hash): the pointer — `generation` (the active one), `state` (`ready` |
 *   `rebuilding`), `applied` (the active generation's watermark), `previous`, `building` (a
 *   generation being rebuilt beside it), `since` (ms), `incarnation` (the `run_id` of the Redis
 *   server process the projector last checked this store in against the log).
 * - `P projection:serving` (string): `<generation>|<state>|<applied>|<incarnation>`, the pointer's
 *   mirror that readers fetch in the MGET they already make; every script that changes the
 *   pointer rewrites it.
 * - `P <generation>:positions` (hash): `generation`, `applied` (the sum over partitions of
 *   last offset + 1, so it only grows) and one `<stream>:<partition>` field per partition
 *   holding the last applied offset.
 * - `P <generation>:<key>`: the projection's records, markers and indexes.
 *
 * Keys are derived inside the scripts, so this needs a single Redis node (not Redis Cluster).
 */

/** Rewrites the readers' mirror of the pointer (ARGV[1] is always the pointer key). */
const mirrorLua = `
local function mirror(pointer)
  local fields = redis.call('HMGET', pointer, 'generation', 'state', 'applied', 'incarnation')
  if fields[1] then
    redis.call('SET', pointer .. ':serving',
      fields[1] .. '|' .. (fields[2] or 'rebuilding') .. '|' .. (fields[3] or '0') .. '|' .. (fields[4] or ''))
  end
end
`;

/** Applies one op (see projection-ops.ts) inside keyspace `ks`. */
const applyOpLua = `
local function newer(current, part, off)
  if not current then return true end
  local decoded = cjson.decode(current)
  return not (decoded.partition == part and tonumber(decoded.offset) >= tonumber(off))
end

local function put_record(key, part, off, rec)
  local head = '{"partition":' .. part .. ',"offset":"' .. off .. '"'
  if rec == '' then
    redis.call('SET', key, head .. ',"deleted":true}')
  else
    redis.call('SET', key, head .. ',"record":' .. rec .. '}')
  end
end

local function index_member(index, id, present)
  if present then redis.call('SADD', index, id) else redis.call('SREM', index, id) end
end

local function origins_of(stored)
  if not stored then return {} end
  local decoded = cjson.decode(stored)
  if type(decoded.record) == 'table' and type(decoded.record.webOrigins) == 'table' then
    return decoded.record.webOrigins
  end
  return {}
end

local function apply_op(ks, op, root)
  if op.o == 'client' then
    local key = ks .. 'client:' .. op.id
    local before = redis.call('GET', key)
    if not newer(before, op.part, op.off) then return end
    put_record(key, op.part, op.off, op.rec)
    index_member(ks .. 'clients', op.id, op.rec ~= '')
    for _, origin in ipairs(origins_of(before)) do redis.call('SREM', ks .. 'origin:' .. origin, op.id) end
    for _, origin in ipairs(origins_of(redis.call('GET', key))) do
      redis.call('SADD', ks .. 'origin:' .. origin, op.id)
    end
  elseif op.o == 'record' then
    local key = ks .. op.key
    if not newer(redis.call('GET', key), op.part, op.off) then return end
    put_record(key, op.part, op.off, op.rec)
    if op.index then index_member(ks .. op.index, op.id, op.rec ~= '') end
  elseif op.o == 'lookup' then
    redis.call('SET', ks .. op.key, op.value, 'NX')
  elseif op.o == 'sadd' then
    redis.call('SADD', ks .. op.key, op.value)
  elseif op.o == 'once' then
    redis.call('SET', ks .. op.key, op.value, 'EXAT', op.exat, 'NX')
  elseif op.o == 'member' then
    local key = ks .. op.key
    redis.call('HSETNX', key, op.field, op.value)
    local ttl = redis.call('TTL', key)
    local now = tonumber(redis.call('TIME')[1])
    if ttl < 0 or now + ttl < tonumber(op.exat) then redis.call('EXPIREAT', key, op.exat) end
  elseif op.o == 'mark' then
    redis.call('SET', ks .. op.key, '1', 'EXAT', op.exat)
  elseif op.o == 'raise' then
    local current = tonumber(redis.call('GET', ks .. op.key) or '0')
    if tonumber(op.value) > current then redis.call('SET', ks .. op.key, op.value) end
  elseif op.o == 'guard' then
    redis.call('SET', root .. op.key, op.value, 'EXAT', op.exat, 'NX')
  end
end
`;

/**
 * Applies a projector's ops and the log positions they came from, in one atomic step.
 * ARGV: pointer key, prefix, mode, generation, ops JSON, positions JSON (`{"<stream>:<p>": offset}`).
 * Modes:
 * - `generation`: into the named generation; fails with GRANTLINE_GENERATION_LOST when that
 *   generation's positions are gone (the store was flushed or replaced). Returns the watermark.
 * - `active`: the same, into whichever generation the pointer names.
 * - `through`: a service's write-through, into the active generation and any being rebuilt;
 *   positions are not touched. Returns how many generations were written.
 */
export const applyOpsScript = `
${mirrorLua}
${applyOpLua}
local pointer, prefix, mode = ARGV[1], ARGV[2], ARGV[3]
local ops = cjson.decode(ARGV[5])
if mode == 'through' then
  local active = redis.call('HGET', pointer, 'generation')
  local building = redis.call('HGET', pointer, 'building')
  local targets = {}
  if active then table.insert(targets, active) end
  if building and building ~= active then table.insert(targets, building) end
  for _, target in ipairs(targets) do
    for _, op in ipairs(ops) do apply_op(prefix .. target .. ':', op, prefix) end
  end
  return #targets
end
local generation = ARGV[4]
if mode == 'active' then generation = redis.call('HGET', pointer, 'generation') or '' end
local positions = prefix .. generation .. ':positions'
if generation == '' or redis.call('HGET', positions, 'generation') ~= generation then
  return redis.error_reply('GRANTLINE_GENERATION_LOST ' .. generation)
end
for _, op in ipairs(ops) do apply_op(prefix .. generation .. ':', op, prefix) end
local delta = 0
for field, offset in pairs(cjson.decode(ARGV[6])) do
  local current = tonumber(redis.call('HGET', positions, field) or '-1')
  local candidate = tonumber(offset)
  if candidate > current then
    redis.call('HSET', positions, field, offset)
    delta = delta + candidate - current
  end
end
local applied = redis.call('HINCRBY', positions, 'applied', delta)
if redis.call('HGET', pointer, 'generation') == generation then
  redis.call('HSET', pointer, 'applied', applied)
  mirror(pointer)
end
return applied
`;

/**
 * Starts a generation: its positions hash, and either makes it the active one, in state
 * `rebuilding` (ARGV[4] = '1'), or records it as being built beside the active one.
 * ARGV: pointer key, prefix, generation, activate, now (ms).
 */
export const beginGenerationScript = `
${mirrorLua}
local pointer, prefix, generation, activate, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
redis.call('HSET', prefix .. generation .. ':positions', 'generation', generation, 'applied', 0, 'created', now)
if activate == '1' then
  local previous = redis.call('HGET', pointer, 'generation')
  redis.call('HSET', pointer, 'generation', generation, 'state', 'rebuilding', 'applied', 0, 'since', now,
    'previous', previous or '')
  mirror(pointer)
else
  redis.call('HSET', pointer, 'building', generation)
end
return 1
`;

/**
 * Sets the state of the active generation, only if it is still the one named.
 * ARGV: pointer key, generation, state, now (ms). Returns 1 when set.
 */
export const setStateScript = `
${mirrorLua}
if redis.call('HGET', ARGV[1], 'generation') ~= ARGV[2] then return 0 end
if redis.call('HGET', ARGV[1], 'state') ~= ARGV[3] then redis.call('HSET', ARGV[1], 'state', ARGV[3], 'since', ARGV[4]) end
mirror(ARGV[1])
return 1
`;

/**
 * Makes a generation built beside the active one the active one, ready, in one step.
 * ARGV: pointer key, prefix, generation, now (ms). Returns the generation replaced ('' if none).
 */
export const switchGenerationScript = `
${mirrorLua}
local pointer, prefix, generation, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
if redis.call('HGET', pointer, 'building') ~= generation then
  return redis.error_reply('GRANTLINE_NOT_BUILDING ' .. generation)
end
local applied = redis.call('HGET', prefix .. generation .. ':positions', 'applied') or '0'
local previous = redis.call('HGET', pointer, 'generation') or ''
redis.call('HSET', pointer, 'generation', generation, 'state', 'ready', 'applied', applied, 'since', now,
  'previous', previous)
redis.call('HDEL', pointer, 'building')
mirror(pointer)
return previous
`;

/**
 * Records that the projector checked the store against the log while talking to the Redis
 * server process `run_id` (an incarnation), if the generation it checked is still the active one.
 * Readers serve only while this matches the `run_id` of the server they talk to: a server
 * restarted from a snapshot, or a replica promoted by a failover, carries an older value.
 * ARGV: pointer key, generation, run_id. Returns 1 when recorded.
 */
export const validateIncarnationScript = `
${mirrorLua}
if redis.call('HGET', ARGV[1], 'generation') ~= ARGV[2] then return 0 end
redis.call('HSET', ARGV[1], 'incarnation', ARGV[3])
mirror(ARGV[1])
return 1
`;
