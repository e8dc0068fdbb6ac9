-- Contention: many clients fight over a license with few seats. A thread
-- acquires with fresh hardware ids; each seat it wins it releases on its next
-- request, so the seat count keeps crossing the limit.
local key, n, won = nil, 0, {}
local headers = {["Content-Type"] = "application/json"}
if PARAMS.close then headers["Connection"] = "close" end

function init(args)
  for line in io.lines(PARAMS.keys_file) do key = line; break end
end

function on_response(status, body)
  if status == 201 then
    local sid = string.match(body, '"session_id":"([%x%-]+)"')
    if sid then table.insert(won, sid) end
  end
end

function request()
  local sid = table.remove(won)
  if sid then
    return wrk.format("POST", "/api/v1/licenses/release", headers, '{"session_id":"' .. sid .. '"}')
  end
  n = n + 1
  local body = string.format('{"license_key":"%s","hardware_id":"hw-%s-%d-%d"}',
    key, PARAMS.nonce, tid, n)
  return wrk.format("POST", "/api/v1/licenses/acquire", headers, body)
end
