-- The acquire's budget as a bare endpoint (/bench/acquire-budget): one seat step, one
-- insert, one signature on one of the licenses, no key lookup or rate limit.
local lines, n, headers = {}, 0, {["Content-Type"] = "application/json"}
if PARAMS.close then headers["Connection"] = "close" end

function init(args)
  for line in io.lines(PARAMS.targets_file) do table.insert(lines, line) end
end

function request()
  n = n + 1
  local line = lines[((n + tid) % #lines) + 1]
  local license, org = line:match("^(%S+) (%S+)$")
  local body = string.format('{"license_id":"%s","org_id":"%s"}', license, org)
  return wrk.format("POST", "/bench/acquire-budget", headers, body)
end
