-- wrk script of `make bench-peer`: cycle through a pre-generated request list, print JSON at the end.
--   wrk -t1 -c1 -d15s --latency -s bench/wrk/requests.lua URL -- FILE ['Header: value' ...]
-- FILE has one request per line: METHOD <tab> PATH [<tab> BODY]. Every side of the benchmark reads
-- the same list; each wrk thread starts at its own place in it.
local thread_count = 0

function setup(thread)
  thread:set("thread_index", thread_count)
  thread_count = thread_count + 1
end

function init(args)
  local headers = {}
  for i = 2, #args do
    local name, value = args[i]:match("^([^:]+):%s*(.*)$")
    headers[name] = value
  end
  requests = {}
  for line in io.lines(args[1]) do
    local method, path, body = line:match("^(%u+)\t([^\t]+)\t?(.*)$")
    if method then
      local own = {}  -- wrk.format writes Content-Length into the table it is given
      for k, v in pairs(headers) do own[k] = v end
      if body == "" then body = nil end
      requests[#requests + 1] = wrk.format(method, path, own, body)
    end
  end
  position = (thread_index * 1009) % #requests
end

function request()
  position = position % #requests + 1
  return requests[position]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"p50":%.1f,"p90":%.1f,"p99":%.1f,"p999":%.1f,"mean":%.1f,"min":%.1f,"max":%.1f}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.mean, latency.min, latency.max))
end
