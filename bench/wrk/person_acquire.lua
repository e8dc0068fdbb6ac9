-- Acquire a new seat per request as a person: their access token, the license named.
local n, headers = 0, {["Content-Type"] = "application/json"}
if PARAMS.close then headers["Connection"] = "close" end

function init(args)
  headers["Authorization"] = "Bearer " .. PARAMS.token
end

function request()
  n = n + 1
  local body = string.format(
    '{"license_id":"%s","hardware_id":"hw-%s-%d-%d","client_info":{"bench":"1"}}',
    PARAMS.license_id, PARAMS.nonce, tid, n)
  return wrk.format("POST", "/api/v1/licenses/acquire", headers, body)
end
