/**
 * Applies a client event only if it sits after the last one applied for that client, and
 * records the new position in the same write: replays and redeliveries change nothing.
 * KEYS[1] client key, KEYS[2] client index set; ARGV: id, partition, offset, record JSON or ''.
 */
export const applyClientScript = `
local current = redis.call('GET', KEYS[1])
if current then
  local decoded = cjson.decode(current)
  if decoded.partition == tonumber(ARGV[2]) and tonumber(decoded.offset) >= tonumber(ARGV[3]) then
    return 0
  end
end
if ARGV[4] == '' then
  redis.call('SET', KEYS[1], cjson.encode({ partition = tonumber(ARGV[2]), offset = ARGV[3], deleted = true }))
  redis.call('SREM', KEYS[2], ARGV[1])
else
  redis.call('SET', KEYS[1], '{"partition":' .. ARGV[2] .. ',"offset":"' .. ARGV[3] .. '","record":' .. ARGV[4] .. '}')
  redis.call('SADD', KEYS[2], ARGV[1])
end
return 1
`;

/** Fixed-window counter: KEYS[1] counter; ARGV window seconds. Returns the count so far. */
export const rateLimitScript = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then
  redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1]))
end
return count
`;
