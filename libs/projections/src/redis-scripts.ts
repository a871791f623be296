/** Fixed-window counter: KEYS[1] counter; ARGV window seconds. Returns the count so far. */
export const rateLimitScript = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then
  redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1]))
end
return count
`;

/**
 * Applies a record event (client, user, consent) only if it sits after the last one applied
 * for that record, and stores the new position in the same write: replays and redeliveries
 * change nothing. KEYS[1] record key, KEYS[2] optional index set; ARGV: id, partition, offset,
 * record JSON or '' (deleted). Returns 1 when applied.
 */
export const applyRecordScript = `
local current = redis.call('GET', KEYS[1])
if current then
  local decoded = cjson.decode(current)
  if decoded.partition == tonumber(ARGV[2]) and tonumber(decoded.offset) >= tonumber(ARGV[3]) then
    return 0
  end
end
if ARGV[4] == '' then
  redis.call('SET', KEYS[1], cjson.encode({ partition = tonumber(ARGV[2]), offset = ARGV[3], deleted = true }))
  if KEYS[2] then redis.call('SREM', KEYS[2], ARGV[1]) end
else
  redis.call('SET', KEYS[1], '{"partition":' .. ARGV[2] .. ',"offset":"' .. ARGV[3] .. '","record":' .. ARGV[4] .. '}')
  if KEYS[2] then redis.call('SADD', KEYS[2], ARGV[1]) end
end
return 1
`;

/** Reads the web origins of a stored client record. */
const originIndexLua = `
local function origins_of(stored)
  if not stored then return {} end
  local decoded = cjson.decode(stored)
  if decoded.record and type(decoded.record.webOrigins) == 'table' then return decoded.record.webOrigins end
  return {}
end
`;

/**
 * The record apply for clients plus the index CORS preflights read (which clients list each
 * web origin), in one atomic step. The origin keys are
 * derived inside the script, so this needs a single Redis node (not Redis Cluster).
 * KEYS[1] client key, KEYS[2] client index set; ARGV: id, partition, offset, record JSON or '', origin key prefix.
 */
export const applyClientWithOriginsScript = `
${originIndexLua}
local before = redis.call('GET', KEYS[1])
local applied = (function()
${applyRecordScript}
end)()
if applied == 1 then
  for _, origin in ipairs(origins_of(before)) do redis.call('SREM', ARGV[5] .. origin, ARGV[1]) end
  for _, origin in ipairs(origins_of(redis.call('GET', KEYS[1]))) do redis.call('SADD', ARGV[5] .. origin, ARGV[1]) end
end
return applied
`;

/**
 * The rotation guard of one refresh token, timed by the Redis server's clock so replicas agree.
 * KEYS[1] claim key; ARGV: expires-at (epoch seconds), grace period in milliseconds.
 * Returns 0 for the first presentation, 1 within the grace period, 2 for reuse.
 */
export const claimRefreshScript = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local first = redis.call('GET', KEYS[1])
if not first then
  local expires = math.max(tonumber(ARGV[1]), tonumber(time[1]) + 1)
  redis.call('SET', KEYS[1], now, 'EXAT', expires)
  return 0
end
if tonumber(ARGV[2]) > 0 and now - tonumber(first) <= tonumber(ARGV[2]) then
  return 1
end
return 2
`;

/** Sets KEYS[1] to ARGV[1] unless it already holds a larger number: a marker that never moves back. */
export const raiseToScript = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > current then redis.call('SET', KEYS[1], ARGV[1]) end
return 1
`;

/**
 * One poll of a device code, timed by the Redis server's clock so every replica agrees
 * (RFC 8628 §3.5). KEYS[1] poll key; ARGV: initial interval in ms, expires-at (epoch seconds).
 * Returns {1 if the poll came too soon else 0, the interval now in force in ms}.
 */
export const devicePollScript = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'last', 'interval')
local interval = tonumber(state[2]) or tonumber(ARGV[1])
local too_soon = 0
if state[1] and now - tonumber(state[1]) < interval then
  interval = interval + 5000
  too_soon = 1
end
redis.call('HSET', KEYS[1], 'last', now, 'interval', interval)
redis.call('EXPIREAT', KEYS[1], math.max(tonumber(ARGV[2]), tonumber(time[1]) + 1))
return { too_soon, interval }
`;
