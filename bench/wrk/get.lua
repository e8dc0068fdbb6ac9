-- A bare GET (the framework ceiling: /healthz is a bare DRF view).
local headers = {}
if PARAMS.close then headers["Connection"] = "close" end

function request()
  return wrk.format("GET", PARAMS.path, headers)
end
