-- Heartbeat or release (PARAMS.path) of live sessions read from a file of
-- "<session id><TAB><session secret>" lines: each thread walks its own share.
-- Release takes each session once; when a share runs out it starts again and
-- counts the wrap in `extra`. Bodies are built once, in init.
local bodies, i, headers = {}, 0, {["Content-Type"] = "application/json"}
if PARAMS.close then headers["Connection"] = "close" end

function init(args)
  local k = 0
  for line in io.lines(PARAMS.sessions_file) do
    if k % PARAMS.threads == tid - 1 then
      local sid, secret = string.match(line, "^(%S+)\t(%S+)$")
      if not sid then error("sessions_file: want <id>\\t<secret> per line: " .. line) end
      table.insert(bodies, string.format('{"session_id":"%s","session_secret":"%s"}', sid, secret))
    end
    k = k + 1
  end
end

function request()
  i = i + 1
  if i > #bodies then i = 1; extra = extra + 1 end
  return wrk.format("POST", PARAMS.path, headers, bodies[i])
end

-- Paced runs (PARAMS.delay_ms > 0): each client waits that long before its next
-- request, so the offered rate is about clients / (delay + latency).
if (PARAMS.delay_ms or 0) > 0 then
  function delay()
    return PARAMS.delay_ms
  end
end
