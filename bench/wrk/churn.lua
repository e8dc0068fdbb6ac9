-- Contention: many clients fight over a license with few seats. A thread
-- acquires with fresh hardware ids; each seat it wins it releases on its next
-- request (with the session secret the grant returned), so the seat count
-- keeps crossing the limit.
local key, n, won = nil, 0, {}
local headers = {["Content-Type"] = "application/json"}
if PARAMS.close then headers["Connection"] = "close" end

function init(args)
  for line in io.lines(PARAMS.keys_file) do key = line; break end
end

function on_response(status, body)
  if status == 201 then
    local sid = string.match(body, '"session_id"%s*:%s*"([%x%-]+)"')
    -- The secret is opaque: taken as the JSON string it is, sent back as is.
    local secret = string.match(body, '"session_secret"%s*:%s*"([^"]+)"')
    if sid and secret then
      table.insert(won, string.format('{"session_id":"%s","session_secret":"%s"}', sid, secret))
    end
  end
end

function request()
  local release = table.remove(won)
  if release then
    return wrk.format("POST", "/api/v1/licenses/release", headers, release)
  end
  n = n + 1
  local body = string.format('{"license_key":"%s","hardware_id":"hw-%s-%d-%d"}',
    key, PARAMS.nonce, tid, n)
  return wrk.format("POST", "/api/v1/licenses/acquire", headers, body)
end
