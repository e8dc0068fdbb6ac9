-- A bare GET (the framework ceiling: /healthz is a bare DRF view).
local headers = {}
if PARAMS.close then headers["Connection"] = "close" end

function request()
  return wrk.format("GET", PARAMS.path, headers)
end

-- Paced runs, as in session.lua: the bare view's latency at the offered rate of the
-- paced heartbeats is the ceiling theirs is read against.
if (PARAMS.delay_ms or 0) > 0 then
  function delay()
    return PARAMS.delay_ms
  end
end
