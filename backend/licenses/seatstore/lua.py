"""Lua scripts of the Redis seat store. Each runs atomically on one cluster slot.

KEYS (all hash-tagged by license): 1 the seat set (zset member -> expiry),
2 holders (hash member -> holder), 3 the ready marker, 4 beat times (hash
holder -> last heartbeat), 5 beat counts (hash holder -> heartbeats since the
last flush). Times come from Redis ``TIME``; numbers return as strings so
fractions survive the reply.

ACQUIRE may take a sixth key, the route key of the new holder, and writes the route
when it grants a new seat: one round trip instead of two; RELEASE likewise deletes the
route it is given. Only on a single Redis, where a script may declare keys of several
slots; on a cluster the store writes (deletes) the route with a second call.
"""

_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
"""

_EVICT = """
local evicted = {}
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)
if #expired > 0 then
  for _, m in ipairs(expired) do
    local h = redis.call('HGET', KEYS[2], m)
    if h then
      table.insert(evicted, h)
      redis.call('HDEL', KEYS[4], h)
      redis.call('HDEL', KEYS[5], h)
    end
    redis.call('HDEL', KEYS[2], m)
  end
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
end
"""

# ARGV: member, holder, seats_total, ttl[, route, route seconds]
# -> {status, holder, created, seats_used, expires_at, now, evicted...}
# status 1 granted, 0 denied, -2 the seat set must be rebuilt first.
ACQUIRE = (
    """
if redis.call('EXISTS', KEYS[3]) == 0 then return {-2} end
"""
    + _NOW
    + _EVICT
    + """
local member, holder = ARGV[1], ARGV[2]
local limit, ttl = tonumber(ARGV[3]), tonumber(ARGV[4])
local expires = now + ttl
local result
if redis.call('ZSCORE', KEYS[1], member) then
  local existing = redis.call('HGET', KEYS[2], member)
  redis.call('ZADD', KEYS[1], expires, member)
  redis.call('HSET', KEYS[4], existing, tostring(now))
  redis.call('HINCRBY', KEYS[5], existing, 1)
  result = {1, existing, 0, redis.call('ZCARD', KEYS[1]), tostring(expires), tostring(now)}
else
  local used = redis.call('ZCARD', KEYS[1])
  if used < limit then
    redis.call('ZADD', KEYS[1], expires, member)
    redis.call('HSET', KEYS[2], member, holder)
    if KEYS[6] then redis.call('SET', KEYS[6], ARGV[5], 'EX', ARGV[6]) end
    result = {1, holder, 1, used + 1, tostring(expires), tostring(now)}
  else
    result = {0, '', 0, used, '0', tostring(now)}
  end
end
for _, h in ipairs(evicted) do table.insert(result, h) end
return result
"""
)

# ARGV: member, holder, ttl -> {status, expires_at, now}; 1 alive, 0 dead, -2 rebuild.
HEARTBEAT = (
    """
if redis.call('EXISTS', KEYS[3]) == 0 then return {-2} end
"""
    + _NOW
    + """
local member, holder = ARGV[1], ARGV[2]
local score = redis.call('ZSCORE', KEYS[1], member)
if not score or redis.call('HGET', KEYS[2], member) ~= holder then
  return {0, '0', tostring(now)}
end
if tonumber(score) <= now then
  redis.call('ZREM', KEYS[1], member)
  redis.call('HDEL', KEYS[2], member)
  return {0, '0', tostring(now)}
end
local expires = now + tonumber(ARGV[3])
redis.call('ZADD', KEYS[1], expires, member)
redis.call('HSET', KEYS[4], holder, tostring(now))
redis.call('HINCRBY', KEYS[5], holder, 1)
return {1, tostring(expires), tostring(now)}
"""
)

# ARGV: member, holder -> {removed (1 or 0), now, live seats after}: the count and the
# clock the release's seat event needs, in the release's own round trip.
RELEASE = (
    _NOW
    + """
local removed = 0
if redis.call('HGET', KEYS[2], ARGV[1]) == ARGV[2] then
  redis.call('ZREM', KEYS[1], ARGV[1])
  redis.call('HDEL', KEYS[2], ARGV[1])
  redis.call('HDEL', KEYS[4], ARGV[2])
  redis.call('HDEL', KEYS[5], ARGV[2])
  removed = 1
end
if KEYS[6] then redis.call('DEL', KEYS[6]) end
return {removed, tostring(now), redis.call('ZCOUNT', KEYS[1], '(' .. now, '+inf')}
"""
)

# ARGV: member, holder -> expiry of a live seat, or '' when it was dead and is now gone.
# -2 when the set is missing: the caller rebuilds and asks again.
REAP = (
    """
if redis.call('EXISTS', KEYS[3]) == 0 then return {-2, ''} end
"""
    + _NOW
    + """
local member, holder = ARGV[1], ARGV[2]
local score = redis.call('ZSCORE', KEYS[1], member)
if score and redis.call('HGET', KEYS[2], member) == holder then
  if tonumber(score) > now then return {1, score} end
  redis.call('ZREM', KEYS[1], member)
  redis.call('HDEL', KEYS[2], member)
end
return {0, ''}
"""
)

# ARGV: now-independent rebuild: triples member, holder, expires_at. Adds them and
# sets the ready marker, unless another process rebuilt first.
REBUILD = """
if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
for i = 1, #ARGV, 3 do
  redis.call('ZADD', KEYS[1], ARGV[i + 2], ARGV[i])
  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
end
redis.call('SET', KEYS[3], '1')
return 1
"""

# Returns and clears the pending heartbeats: {holder, last, count, ...}.
DRAIN_BEATS = """
local times = redis.call('HGETALL', KEYS[4])
local out = {}
for i = 1, #times, 2 do
  local n = redis.call('HGET', KEYS[5], times[i]) or '0'
  table.insert(out, times[i]); table.insert(out, times[i + 1]); table.insert(out, n)
end
redis.call('DEL', KEYS[4], KEYS[5])
return out
"""

NOW = """
local t = redis.call('TIME')
return tostring(tonumber(t[1]) + tonumber(t[2]) / 1000000)
"""
