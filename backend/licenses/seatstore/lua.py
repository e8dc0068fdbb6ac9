"""Lua scripts of the Redis seat store. Each runs atomically on one cluster slot.

KEYS (all hash-tagged by license): 1 the seat set (zset member -> expiry),
2 holders (hash member -> holder), 3 the ready marker, 4 beat times (hash
holder -> last heartbeat), 5 beat counts (hash holder -> heartbeats since the
last flush), 6 sessions (hash holder -> "member<TAB>ttl<TAB>secret digest"). Times
come from Redis ``TIME``; numbers return as strings so fractions survive the reply.

ACQUIRE and HEARTBEAT may take a seventh key, the write-behind's dirty set, and add
the license to it: one round trip instead of two. Only on a single Redis, where a
script may declare keys of several slots; on a cluster the store adds it with a
second call.

The sessions hash is what lets a heartbeat carry no route: the client's secret names
the license, the holder's entry gives its member, its TTL and the digest to compare.
Every path that frees a seat deletes the holder's entry with it.
"""

_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
"""

# A holder's entry in the sessions hash: member, TTL, secret digest. The member is
# matched greedily, so the split holds whatever the member contains.
_SESSION = """
local function session_of(info)
  local member, ttl, digest = string.match(info, '^(.*)\\t(%d+)\\t(%x*)$')
  return member, ttl, digest
end
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
      redis.call('HDEL', KEYS[6], h)
    end
    redis.call('HDEL', KEYS[2], m)
  end
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
end
"""

# ARGV: member, holder, seats_total, ttl, secret digest, license id (for the dirty set)
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
local info = member .. '\\t' .. ARGV[4] .. '\\t' .. ARGV[5]
local result
if redis.call('ZSCORE', KEYS[1], member) then
  local existing = redis.call('HGET', KEYS[2], member)
  redis.call('ZADD', KEYS[1], expires, member)
  redis.call('HSET', KEYS[6], existing, info)
  redis.call('HSET', KEYS[4], existing, tostring(now))
  redis.call('HINCRBY', KEYS[5], existing, 1)
  if KEYS[7] then redis.call('SADD', KEYS[7], ARGV[6]) end
  result = {1, existing, 0, redis.call('ZCARD', KEYS[1]), tostring(expires), tostring(now)}
else
  local used = redis.call('ZCARD', KEYS[1])
  if used < limit then
    redis.call('ZADD', KEYS[1], expires, member)
    redis.call('HSET', KEYS[2], member, holder)
    redis.call('HSET', KEYS[6], holder, info)
    result = {1, holder, 1, used + 1, tostring(expires), tostring(now)}
  else
    result = {0, '', 0, used, '0', tostring(now)}
  end
end
for _, h in ipairs(evicted) do table.insert(result, h) end
return result
"""
)

# ARGV: holder, secret digest, license id (for the dirty set)
# -> {status, expires_at, now}; 1 alive, 0 dead or unknown, -1 wrong secret, -2 rebuild.
HEARTBEAT = (
    """
if redis.call('EXISTS', KEYS[3]) == 0 then return {-2} end
"""
    + _NOW
    + _SESSION
    + """
local holder = ARGV[1]
local info = redis.call('HGET', KEYS[6], holder)
if not info then return {0, '0', tostring(now)} end
local member, ttl, digest = session_of(info)
if digest ~= ARGV[2] then return {-1, '0', tostring(now)} end
local score = redis.call('ZSCORE', KEYS[1], member)
local alive = score and redis.call('HGET', KEYS[2], member) == holder
if alive and tonumber(score) <= now then
  redis.call('ZREM', KEYS[1], member)
  redis.call('HDEL', KEYS[2], member)
  alive = false
end
if not alive then
  redis.call('HDEL', KEYS[6], holder)
  redis.call('HDEL', KEYS[4], holder)
  redis.call('HDEL', KEYS[5], holder)
  return {0, '0', tostring(now)}
end
local expires = now + tonumber(ttl)
redis.call('ZADD', KEYS[1], expires, member)
redis.call('HSET', KEYS[4], holder, tostring(now))
redis.call('HINCRBY', KEYS[5], holder, 1)
if KEYS[7] then redis.call('SADD', KEYS[7], ARGV[3]) end
return {1, tostring(expires), tostring(now)}
"""
)

# ARGV: holder, secret digest ('' for an administrative end), member ('' when unknown)
# -> {status, now, live seats after}: status 1 a live seat was freed, 0 nothing to free
# (-3 when the store knows nothing of the holder), -1 wrong secret (nothing changed).
# The count and the clock are what the release's seat event needs, in its own round trip.
RELEASE = (
    _NOW
    + _SESSION
    + """
local holder = ARGV[1]
local info = redis.call('HGET', KEYS[6], holder)
local member = ARGV[3]
local status = 0
if info then
  local known, _, digest = session_of(info)
  if ARGV[2] ~= '' and digest ~= ARGV[2] then
    return {-1, tostring(now), redis.call('ZCOUNT', KEYS[1], '(' .. now, '+inf')}
  end
  member = known
elseif ARGV[2] ~= '' or member == '' then
  status = -3
end
if member ~= '' and redis.call('HGET', KEYS[2], member) == holder then
  redis.call('ZREM', KEYS[1], member)
  redis.call('HDEL', KEYS[2], member)
  status = 1
end
redis.call('HDEL', KEYS[6], holder)
redis.call('HDEL', KEYS[4], holder)
redis.call('HDEL', KEYS[5], holder)
return {status, tostring(now), redis.call('ZCOUNT', KEYS[1], '(' .. now, '+inf')}
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
redis.call('HDEL', KEYS[6], holder)
return {0, ''}
"""
)

# ARGV: now-independent rebuild: groups of member, holder, expires_at, ttl, secret
# digest. Adds them and sets the ready marker, unless another process rebuilt first.
REBUILD = """
if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
for i = 1, #ARGV, 5 do
  redis.call('ZADD', KEYS[1], ARGV[i + 2], ARGV[i])
  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
  redis.call('HSET', KEYS[6], ARGV[i + 1], ARGV[i] .. '\\t' .. ARGV[i + 3] .. '\\t' .. ARGV[i + 4])
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
