-- Acquire a new seat per request: a fresh hardware id on one of the license keys.
local keys, n, headers = {}, 0, {["Content-Type"] = "application/json"}
if PARAMS.close then headers["Connection"] = "close" end

function init(args)
  for line in io.lines(PARAMS.keys_file) do table.insert(keys, line) end
end

function request()
  n = n + 1
  local key = keys[((n + tid) % #keys) + 1]
  local project = ''
  if PARAMS.project then project = string.format(',"project":"%s"', PARAMS.project) end
  local body = string.format(
    '{"license_key":"%s","hardware_id":"hw-%s-%d-%d","client_info":{"bench":"1"}%s}',
    key, PARAMS.nonce, tid, n, project)
  return wrk.format("POST", "/api/v1/licenses/acquire", headers, body)
end
