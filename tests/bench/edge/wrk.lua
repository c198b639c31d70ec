-- wrk script for tests/bench/edge.sh. Arguments (after `--`):
--   1  codes file, one short code per line
--   2  User-Agent
--   3  request.cf as JSON, sent as Miniflare's MF-CF-Blob header (a direct
--      socket takes request.cf from it; the baseline ignores it)
--   4  optional fixed path (e.g. /healthz); otherwise every request asks
--      for "/" .. a code picked at random from the file
--   5  optional extra header, "Name: value"
--   6  optional pause in ms before each request on a connection (wrk's
--      delay()), to hold the load below saturation
-- done() prints one line, "JSON {...}", with the counts and percentiles.

local codes = {}
local fixed_path = nil
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("id", next_id)
end

function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" then codes[#codes + 1] = line end
  end
  wrk.headers["User-Agent"] = args[2]
  wrk.headers["Accept-Language"] = "de-DE,de;q=0.9,en;q=0.8"
  wrk.headers["Accept"] = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
  wrk.headers["MF-CF-Blob"] = args[3]
  if args[4] ~= nil and args[4] ~= "" then fixed_path = args[4] end
  if args[5] ~= nil and args[5] ~= "" then
    local name, value = args[5]:match("^([^:]+):%s*(.*)$")
    if name then wrk.headers[name] = value end
  end
  -- wrk looks for delay() after init(), and only then schedules timers.
  local pause = tonumber(args[6] or "")
  if pause ~= nil and pause > 0 then
    delay = function() return pause end
  end
  math.randomseed(os.time() * 1000 + (id or 0))
end

function request()
  if fixed_path then
    return wrk.format("GET", fixed_path)
  end
  return wrk.format("GET", "/" .. codes[math.random(#codes)])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'JSON {"requests":%d,"duration_us":%d,"bytes":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,' ..
      '"mean_us":%.1f,"max_us":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.mean, latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
