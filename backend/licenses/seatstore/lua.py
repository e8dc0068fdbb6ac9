"""Lua scripts of the Redis seat store. Each runs atomically on one cluster slot.

Keys are named, not numbered: every script receives the license's keys in the order of
``SEAT_KEYS`` (all hash-tagged by license) and ``_KEYS`` binds them to locals
``k_<name>``: ``seats`` the seat set (zset member -> expiry), ``holders`` (hash member ->
holder), ``ready`` the rebuilt marker, ``beats`` (hash holder -> last heartbeat),
``beatn`` (hash holder -> heartbeats since the last flush), ``sess`` (hash holder ->
"member<TAB>ttl<TAB>secret digest"), ``pseats`` (hash project -> its live seats) and
``mproj`` (hash member -> project) for reservations and caps per project, ``people``
(the per-person index: a sorted set of "person<TAB>member" entries, all scored 0 so one
person's seats are one lexical range) and ``owner`` (hash member -> "person<TAB>granted
at") for the seats people hold. The line (``_LINE``): ``line`` (zset member -> arrival
number), ``linedl`` (zset member -> the deadline of its next poll), ``tickets`` (hash
ticket -> member), ``waiting`` (hash member -> "ticket<TAB>joined at"). ``borrowed``
(zset member -> end of its borrow, ``_BORROW``). A rule that needs a key of its own
adds its name to ``SEAT_KEYS``; no script's numbering moves. Times come from Redis
``TIME``; numbers return as strings so fractions survive the reply.

ACQUIRE and HEARTBEAT may take one more key after the license's, the write-behind's
dirty set (``k_dirty``), and add the license to it: one round trip instead of two. Only
on a single Redis, where a script may declare keys of several slots; on a cluster the
store adds it with a second call.

The sessions hash is what lets a heartbeat carry no route: the client's secret names
the license, the holder's entry gives its member, its TTL and the digest to compare.
Every path that frees a seat deletes the holder's entry with it.
"""

SEAT_KEYS = (
    "seats",
    "holders",
    "ready",
    "beats",
    "beatn",
    "sess",
    "pseats",
    "mproj",
    "line",
    "linedl",
    "tickets",
    "waiting",
    "borrowed",
    "people",
    "owner",
)

_KEYS = (
    "local "
    + ", ".join(f"k_{name}" for name in SEAT_KEYS)
    + " = "
    + ", ".join(f"KEYS[{i}]" for i in range(1, len(SEAT_KEYS) + 1))
    + f"\nlocal k_dirty = KEYS[{len(SEAT_KEYS) + 1}]\n"
)

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

# The per-person index: every path that frees a member's seat calls ``person_forget``
# with it, so a person's range in ``people`` lists exactly their live seats.
_PEOPLE = """
local function person_forget(m)
  local o = redis.call('HGET', k_owner, m)
  if o then
    local p = string.match(o, '^([^\\t]*)\\t')
    redis.call('ZREM', k_people, p .. '\\t' .. m)
    redis.call('HDEL', k_owner, m)
  end
end
local function person_members(p)
  local out = {}
  local prefix = p .. '\\t'
  for _, e in ipairs(redis.call('ZRANGEBYLEX', k_people, '[' .. prefix, '(' .. p .. '\\n')) do
    table.insert(out, string.sub(e, #prefix + 1))
  end
  return out
end
"""

# The per-project seat index (``pseats``, ``mproj``) follows the seat set: every path
# that removes a member from ``k_seats`` calls ``project_free`` with it, so a project's
# count is its live seats. Seats without a project cost one HGET when freed.
_PROJECT_FREE = """
local function project_free(m)
  local p = redis.call('HGET', k_mproj, m)
  if p then
    redis.call('HDEL', k_mproj, m)
    if redis.call('HINCRBY', k_pseats, p, -1) <= 0 then redis.call('HDEL', k_pseats, p) end
  end
end
"""

_EVICT = """
local evicted = {}
local expired = redis.call('ZRANGEBYSCORE', k_seats, '-inf', now)
if #expired > 0 then
  for _, m in ipairs(expired) do
    local h = redis.call('HGET', k_holders, m)
    if h then
      table.insert(evicted, h)
      redis.call('HDEL', k_beats, h)
      redis.call('HDEL', k_beatn, h)
      redis.call('HDEL', k_sess, h)
    end
    redis.call('HDEL', k_holders, m)
    person_forget(m)
    project_free(m)
  end
  redis.call('ZREMRANGEBYSCORE', k_seats, '-inf', now)
end
"""

# Who may take a seat as a person (``SeatTerms.person``): an ``assigned`` license refuses
# a person the service found unassigned, re-acquire included (an unassign ended their
# seats; nothing may come back after it).
_PERSON_ASSIGNMENT = """
local person = terms.person or ''
if person ~= '' and terms.assigned_only and not terms.person_assigned then
  notes.reason = 'license_not_assigned'
  result = {0, '', 0, redis.call('ZCARD', k_seats), '0', tostring(now)}
end
"""

# A person at ``max_machines_per_person`` asking from one more machine: refused with the
# holders of the person's seats, or (``evict_oldest``) the person's oldest seats end
# (their holders in ``notes.evicted_person``) so the new one fits. Nothing is evicted
# when the license's own limit would refuse the new seat anyway.
_PERSON_CAP = """
local cap = tonumber(terms.max_machines_per_person) or 0
if person ~= '' and cap > 0 then
  local mine = person_members(person)
  if #mine >= cap then
    local excess = #mine - cap + 1
    if not terms.evict_oldest then
      local holders = {}
      for _, m in ipairs(mine) do table.insert(holders, redis.call('HGET', k_holders, m)) end
      notes.reason = 'person_seat_limit'
      notes.person_holders = holders
      result = {0, '', 0, redis.call('ZCARD', k_seats), '0', tostring(now)}
    elseif redis.call('ZCARD', k_seats) - excess < terms.seats_total + (terms.allowance or 0) then
      local aged = {}
      for _, m in ipairs(mine) do
        local o = redis.call('HGET', k_owner, m)
        table.insert(aged, {tonumber(string.match(o, '\\t(.*)$')), m})
      end
      table.sort(aged, function(a, b) return a[1] < b[1] end)
      notes.evicted_person = {}
      for i = 1, excess do
        local m = aged[i][2]
        local h = redis.call('HGET', k_holders, m)
        redis.call('ZREM', k_seats, m)
        redis.call('HDEL', k_holders, m)
        redis.call('HDEL', k_sess, h)
        redis.call('HDEL', k_beats, h)
        redis.call('HDEL', k_beatn, h)
        person_forget(m)
        project_free(m)
        table.insert(notes.evicted_person, h)
      end
    end
  end
end
"""

# A person's new seat joins the per-person index.
_PERSON_GRANT = """
if person ~= '' then
  redis.call('ZADD', k_people, 0, person .. '\\t' .. member)
  redis.call('HSET', k_owner, member, person .. '\\t' .. tostring(now))
end
"""

# Overage, reservations and caps per project (licenses.seat_policy). The limit is
# seats_total plus the overage allowance; a project's unused reserved seats are kept
# free for it: a grant must leave used + (every reservation's unused part) within the
# limit, counted after the grant, so a member of a reserving project takes its own
# reserved seats first (the sum does not grow) and the shared pool after. A capped
# project never holds more than its cap. A grant past seats_total is marked overage.
_SEAT_POLICY = """
local function project_used(p)
  return tonumber(redis.call('HGET', k_pseats, p) or '0')
end
local function seat_policy_admits(used)
  local limit = terms.seats_total + (terms.allowance or 0)
  local p = terms.project or ''
  local mine = 0
  if p ~= '' then mine = project_used(p) end
  local cap = terms.cap
  if cap ~= nil and cap ~= cjson.null and mine >= cap then
    notes.reason = 'project_cap_reached'
    return false
  end
  local after = used + 1
  if terms.reserved then
    for q, k in pairs(terms.reserved) do
      local u = (q == p) and (mine + 1) or project_used(q)
      if k > u then after = after + k - u end
    end
  end
  if after > limit then
    if used < limit then notes.reason = 'seats_reserved' end
    return false
  end
  if used + 1 > terms.seats_total then notes.overage = true end
  return true
end
local function project_take(m)
  if terms.project and terms.project ~= '' then
    redis.call('HSET', k_mproj, m, terms.project)
    redis.call('HINCRBY', k_pseats, terms.project, 1)
  end
end
"""

# The line (issue 21), when the license keeps one. Waiters whose deadline passed leave
# it first; ``line_ahead`` is how many waiters are owed a free seat before this member:
# the whole line when it is a newcomer, none for the head; a waiter behind the head may
# take nothing yet (grants go in exact arrival order). A member may take a seat only
# while ``used + line_ahead < seats``: a freed seat stays for the head of the line (its
# next poll), whoever else asks first.
_LINE = """
local line_len, line_ahead, line_rank = 0, 0, nil
local function line_leave(m)
  local w = redis.call('HGET', k_waiting, m)
  redis.call('ZREM', k_line, m)
  redis.call('ZREM', k_linedl, m)
  redis.call('HDEL', k_waiting, m)
  if not w then return nil, nil end
  local ticket, joined = string.match(w, '^([^\t]*)\t(.*)$')
  redis.call('HDEL', k_tickets, ticket)
  return ticket, tonumber(joined)
end
if terms.queue then
  local lapsed = redis.call('ZRANGEBYSCORE', k_linedl, '-inf', now)
  for _, m in ipairs(lapsed) do line_leave(m) end
  line_len = redis.call('ZCARD', k_line)
  if line_len > 0 then
    line_rank = redis.call('ZRANK', k_line, ARGV[1])
    line_ahead = line_rank or line_len
    -- Grants go in exact arrival order: only the head of the line may take a seat,
    -- even when several are free (the next waiter takes the next one after it).
    -- (A number past any limit, overage allowance included.)
    if line_rank and line_rank > 0 then line_ahead = 1000000000 end
  end
end
"""

# A seat granted from the line: the waiter leaves it, and the caller learns how long it
# waited and with which ticket.
_LINE_GRANTED = """
if line_rank then
  local ticket, joined = line_leave(ARGV[1])
  notes.ticket = ticket
  notes.waited = now - joined
end
"""

# A denied asker: a waiter's poll keeps its place (and pushes its deadline); a newcomer
# that asked to wait joins the back, unless the line is full.
_LINE_DENIED = """
if terms.queue and line_rank then
  redis.call('ZADD', k_linedl, now + terms.ticket_ttl, ARGV[1])
  notes.ticket = string.match(redis.call('HGET', k_waiting, ARGV[1]), '^([^\t]*)')
  notes.position = line_rank + 1
elseif terms.queue and terms.wait then
  if terms.queue_max > 0 and line_len >= terms.queue_max then
    notes.queue_full = true
  else
    local last = redis.call('ZRANGE', k_line, -1, -1, 'WITHSCORES')
    local number = 1
    if #last > 0 then number = tonumber(last[2]) + 1 end
    redis.call('ZADD', k_line, number, ARGV[1])
    redis.call('ZADD', k_linedl, now + terms.ticket_ttl, ARGV[1])
    redis.call('HSET', k_tickets, ARGV[2], ARGV[1])
    redis.call('HSET', k_waiting, ARGV[1], ARGV[2] .. '\t' .. tostring(now))
    line_len = line_len + 1
    notes.ticket = ARGV[2]
    notes.position = line_len
    notes.joined = true
  end
end
if line_len > 0 then notes.line_length = line_len end
"""

# Borrow (issue 21): a license may cap how many of its seats are out at once. A borrowed
# seat counts while the seat set still holds its member at least until the borrow's end
# (a return, an eviction or a shorter re-acquire ends it), so no other script tends
# this key. Over the cap: denied before anything changes.
_BORROW = """
if terms.borrow and terms.borrow_cap > 0 then
  redis.call('ZREMRANGEBYSCORE', k_borrowed, '-inf', now)
  local out, flat = 0, redis.call('ZRANGE', k_borrowed, 0, -1, 'WITHSCORES')
  for i = 1, #flat, 2 do
    local score = redis.call('ZSCORE', k_seats, flat[i])
    if flat[i] ~= ARGV[1] and score and tonumber(score) >= tonumber(flat[i + 1]) then
      out = out + 1
    end
  end
  if out >= terms.borrow_cap then
    notes.borrow_limit = true
    local denied = {0, '', 0, redis.call('ZCARD', k_seats), '0', tostring(now),
      cjson.encode(notes)}
    for _, h in ipairs(evicted) do table.insert(denied, h) end
    return denied
  end
end
"""

_BORROWED = """
if terms.borrow and result[1] == 1 then redis.call('ZADD', k_borrowed, expires, ARGV[1]) end
"""

# The acquire's terms (``SeatTerms``) arrive as one JSON object, ``terms``; a rule reads
# its fields from it and may leave facts for the caller in ``notes`` (``SeatGrant.notes``),
# e.g. why a seat was denied. Each rule is a chunk of its own, spliced in below.
# ARGV: member, holder, ttl, secret digest, license id (for the dirty set), terms (JSON)
# -> {status, holder, created, seats_used, expires_at, now, notes (JSON or ''), evicted...}
# status 1 granted, 0 denied, -2 the seat set must be rebuilt first.
ACQUIRE = (
    _KEYS
    + """
if redis.call('EXISTS', k_ready) == 0 then return {-2} end
local terms = cjson.decode(ARGV[6])
local notes = {}
local result
"""
    + _NOW
    + _PEOPLE
    + _PROJECT_FREE
    + _SEAT_POLICY
    + _EVICT
    + _LINE
    + _BORROW
    + _PERSON_ASSIGNMENT
    + """
local member, holder = ARGV[1], ARGV[2]
local ttl = tonumber(ARGV[3])
local expires = now + ttl
local info = member .. '\\t' .. ARGV[3] .. '\\t' .. ARGV[4]
if result then
  -- refused by a rule above
elseif redis.call('ZSCORE', k_seats, member) then
  local existing = redis.call('HGET', k_holders, member)
  redis.call('ZADD', k_seats, expires, member)
  redis.call('HSET', k_sess, existing, info)
  redis.call('HSET', k_beats, existing, tostring(now))
  redis.call('HINCRBY', k_beatn, existing, 1)
  if k_dirty then redis.call('SADD', k_dirty, ARGV[5]) end
  result = {1, existing, 0, redis.call('ZCARD', k_seats), tostring(expires), tostring(now)}
else
"""
    + _PERSON_CAP
    + """
  local used = redis.call('ZCARD', k_seats)
  if result then
    -- refused by a rule above
  elseif seat_policy_admits(used + line_ahead) then
    redis.call('ZADD', k_seats, expires, member)
    redis.call('HSET', k_holders, member, holder)
    project_take(member)
    redis.call('HSET', k_sess, holder, info)
"""
    + _PERSON_GRANT
    + """
    result = {1, holder, 1, used + 1, tostring(expires), tostring(now)}
"""
    + _LINE_GRANTED
    + """
  else
    result = {0, '', 0, used, '0', tostring(now)}
"""
    + _LINE_DENIED
    + """
  end
end
"""
    + _BORROWED
    + """
table.insert(result, next(notes) and cjson.encode(notes) or '')
for _, h in ipairs(evicted) do table.insert(result, h) end
return result
"""
)

# ARGV: holder, secret digest, license id (for the dirty set)
# -> {status, expires_at, now}; 1 alive, 0 dead or unknown, -1 wrong secret, -2 rebuild.
HEARTBEAT = (
    _KEYS
    + """
if redis.call('EXISTS', k_ready) == 0 then return {-2} end
"""
    + _NOW
    + _SESSION
    + _PEOPLE
    + _PROJECT_FREE
    + """
local holder = ARGV[1]
local info = redis.call('HGET', k_sess, holder)
if not info then return {0, '0', tostring(now)} end
local member, ttl, digest = session_of(info)
if digest ~= ARGV[2] then return {-1, '0', tostring(now)} end
local score = redis.call('ZSCORE', k_seats, member)
local alive = score and redis.call('HGET', k_holders, member) == holder
if alive and tonumber(score) <= now then
  redis.call('ZREM', k_seats, member)
  redis.call('HDEL', k_holders, member)
  person_forget(member)
  project_free(member)
  alive = false
end
if not alive then
  redis.call('HDEL', k_sess, holder)
  redis.call('HDEL', k_beats, holder)
  redis.call('HDEL', k_beatn, holder)
  return {0, '0', tostring(now)}
end
local expires = now + tonumber(ttl)
redis.call('ZADD', k_seats, expires, member)
redis.call('HSET', k_beats, holder, tostring(now))
redis.call('HINCRBY', k_beatn, holder, 1)
if k_dirty then redis.call('SADD', k_dirty, ARGV[3]) end
return {1, tostring(expires), tostring(now)}
"""
)

# ARGV: holder, secret digest ('' for an administrative end), member ('' when unknown)
# -> {status, now, live seats after}: status 1 a live seat was freed, 0 nothing to free
# (-3 when the store knows nothing of the holder), -1 wrong secret (nothing changed).
# The count and the clock are what the release's seat event needs, in its own round trip.
RELEASE = (
    _KEYS
    + _NOW
    + _SESSION
    + _PEOPLE
    + _PROJECT_FREE
    + """
local holder = ARGV[1]
local info = redis.call('HGET', k_sess, holder)
local member = ARGV[3]
local status = 0
if info then
  local known, _, digest = session_of(info)
  if ARGV[2] ~= '' and digest ~= ARGV[2] then
    return {-1, tostring(now), redis.call('ZCOUNT', k_seats, '(' .. now, '+inf')}
  end
  member = known
elseif ARGV[2] ~= '' or member == '' then
  status = -3
end
if member ~= '' and redis.call('HGET', k_holders, member) == holder then
  redis.call('ZREM', k_seats, member)
  redis.call('HDEL', k_holders, member)
  person_forget(member)
  project_free(member)
  status = 1
end
redis.call('HDEL', k_sess, holder)
redis.call('HDEL', k_beats, holder)
redis.call('HDEL', k_beatn, holder)
return {status, tostring(now), redis.call('ZCOUNT', k_seats, '(' .. now, '+inf')}
"""
)

# ARGV: member, holder -> expiry of a live seat, or '' when it was dead and is now gone.
# -2 when the set is missing: the caller rebuilds and asks again.
REAP = (
    _KEYS
    + """
if redis.call('EXISTS', k_ready) == 0 then return {-2, ''} end
"""
    + _NOW
    + _PEOPLE
    + _PROJECT_FREE
    + """
local member, holder = ARGV[1], ARGV[2]
local score = redis.call('ZSCORE', k_seats, member)
if score and redis.call('HGET', k_holders, member) == holder then
  if tonumber(score) > now then return {1, score} end
  redis.call('ZREM', k_seats, member)
  redis.call('HDEL', k_holders, member)
  person_forget(member)
  project_free(member)
end
redis.call('HDEL', k_sess, holder)
return {0, ''}
"""
)

# ARGV: now-independent rebuild: groups of member, holder, expires_at, ttl, secret
# digest, project ('' none), borrowed ('1' or '0'), person ('' for a machine), granted
# at. Adds them, the per-project and per-person indexes and the borrowed set with them,
# and sets the ready marker, unless another process rebuilt first. The line is not
# rebuilt: the database keeps no Redis line, and a waiter whose ticket is gone joins
# again on its next poll (docs/queue-and-borrow.md).
REBUILD = (
    _KEYS
    + """
if redis.call('EXISTS', k_ready) == 1 then return 0 end
for i = 1, #ARGV, 9 do
  redis.call('ZADD', k_seats, ARGV[i + 2], ARGV[i])
  redis.call('HSET', k_holders, ARGV[i], ARGV[i + 1])
  redis.call('HSET', k_sess, ARGV[i + 1], ARGV[i] .. '\\t' .. ARGV[i + 3] .. '\\t' .. ARGV[i + 4])
  if ARGV[i + 5] ~= '' and redis.call('HSETNX', k_mproj, ARGV[i], ARGV[i + 5]) == 1 then
    redis.call('HINCRBY', k_pseats, ARGV[i + 5], 1)
  end
  if ARGV[i + 6] == '1' then redis.call('ZADD', k_borrowed, ARGV[i + 2], ARGV[i]) end
  if ARGV[i + 7] ~= '' then
    redis.call('ZADD', k_people, 0, ARGV[i + 7] .. '\\t' .. ARGV[i])
    redis.call('HSET', k_owner, ARGV[i], ARGV[i + 7] .. '\\t' .. ARGV[i + 8])
  end
end
redis.call('SET', k_ready, '1')
return 1
"""
)

# ARGV: ticket -> {member, ticket, joined at, deadline} of the waiter it took out of the
# line, or {} when the ticket is not in it (granted, lapsed, lost in a flush).
QUEUE_CANCEL = (
    _KEYS
    + """
local member = redis.call('HGET', k_tickets, ARGV[1])
if not member then return {} end
local w = redis.call('HGET', k_waiting, member) or ''
local joined = string.match(w, '\\t(.*)$') or '0'
local deadline = redis.call('ZSCORE', k_linedl, member) or '0'
redis.call('ZREM', k_line, member)
redis.call('ZREM', k_linedl, member)
redis.call('HDEL', k_waiting, member)
redis.call('HDEL', k_tickets, ARGV[1])
return {member, ARGV[1], joined, deadline}
"""
)

# -> the line head first, lapsed waiters left out: {member, ticket, joined, deadline, ...}
QUEUE = (
    _KEYS
    + _NOW
    + """
local out = {}
for _, m in ipairs(redis.call('ZRANGE', k_line, 0, -1)) do
  local deadline = redis.call('ZSCORE', k_linedl, m)
  local w = redis.call('HGET', k_waiting, m)
  if deadline and w and tonumber(deadline) > now then
    local ticket, joined = string.match(w, '^([^\\t]*)\\t(.*)$')
    table.insert(out, m); table.insert(out, ticket)
    table.insert(out, joined); table.insert(out, deadline)
  end
end
return out
"""
)

# Returns and clears the pending heartbeats: {holder, last, count, ...}.
DRAIN_BEATS = (
    _KEYS
    + """
local times = redis.call('HGETALL', k_beats)
local out = {}
for i = 1, #times, 2 do
  local n = redis.call('HGET', k_beatn, times[i]) or '0'
  table.insert(out, times[i]); table.insert(out, times[i + 1]); table.insert(out, n)
end
redis.call('DEL', k_beats, k_beatn)
return out
"""
)

NOW = """
local t = redis.call('TIME')
return tostring(tonumber(t[1]) + tonumber(t[2]) / 1000000)
"""
