-- Appended to every bench script: counts statuses per thread and prints one
-- JSON line (BENCH_JSON …) with throughput, latency percentiles and statuses.
-- The script before it sets PARAMS and defines request() (and may chain
-- on_response(status, body) for its own use).
local threads = {}
local counter = 1

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

statuses = {}
extra = 0

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if on_response then on_response(status, body) end
end

function done(summary, latency, requests)
  local merged, wrapped = {}, 0
  for _, t in ipairs(threads) do
    for code, n in pairs(t:get("statuses")) do merged[code] = (merged[code] or 0) + n end
    wrapped = wrapped + (t:get("extra") or 0)
  end
  local parts = {}
  for code, n in pairs(merged) do table.insert(parts, string.format('"%d": %d', code, n)) end
  local pct = {}
  for _, p in ipairs({50, 90, 95, 99, 99.9}) do
    table.insert(pct, string.format('"p%s": %d', tostring(p), latency:percentile(p)))
  end
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "errors": {"connect": %d, "read": %d, ' ..
    '"write": %d, "status": %d, "timeout": %d}, "latency_us": {"mean": %.1f, "max": %d, %s}, ' ..
    '"statuses": {%s}, "extra": %d}\n',
    summary.requests, summary.duration, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency.mean, latency.max, table.concat(pct, ", "), table.concat(parts, ", "), wrapped))
end
