/** Fixed-window counter: KEYS[1] counter; ARGV window seconds. Returns the count so far. */
export const rateLimitScript = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then
  redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1]))
end
return count
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

/**
 * One poll of a device code, timed by the Redis server's clock so every replica agrees
 * (RFC 8628 §3.5). KEYS[1] poll key; ARGV: initial interval in ms, expires-at (epoch seconds),
 * tolerance in ms (devicePollToleranceMs: the comparison is isPollTooSoon's, in guard-port.ts).
 * Returns {1 if the poll came too soon else 0, the interval now in force in ms}.
 */
export const devicePollScript = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'last', 'interval')
local interval = tonumber(state[2]) or tonumber(ARGV[1])
local too_soon = 0
if state[1] and now - tonumber(state[1]) < interval - tonumber(ARGV[3]) then
  interval = interval + 5000
  too_soon = 1
end
redis.call('HSET', KEYS[1], 'last', now, 'interval', interval)
redis.call('EXPIREAT', KEYS[1], math.max(tonumber(ARGV[2]), tonumber(time[1]) + 1))
return { too_soon, interval }
`;
