-- Heartbeat or release (PARAMS.path) of live sessions read from a file: each
-- thread walks its own share. Release takes each session once; when a share
-- runs out it starts again and counts the wrap in `extra`.
local ids, i, headers = {}, 0, {["Content-Type"] = "application/json"}
if PARAMS.close then headers["Connection"] = "close" end

function init(args)
  local k = 0
  for line in io.lines(PARAMS.sessions_file) do
    if k % PARAMS.threads == tid - 1 then table.insert(ids, line) end
    k = k + 1
  end
end

function request()
  i = i + 1
  if i > #ids then i = 1; extra = extra + 1 end
  return wrk.format("POST", PARAMS.path, headers, '{"session_id":"' .. ids[i] .. '"}')
end

-- Paced runs (PARAMS.delay_ms > 0): each client waits that long before its next
-- request, so the offered rate is about clients / (delay + latency).
if (PARAMS.delay_ms or 0) > 0 then
  function delay()
    return PARAMS.delay_ms
  end
end
