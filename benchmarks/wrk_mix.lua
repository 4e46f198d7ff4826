-- The realistic page mix for wrk (issue 17), driven by benchmarks/wrkload.py.
--
-- wrk runs one connection per thread (-t N -c N), so a thread's requests and responses alternate strictly:
-- request() notes what it sent and when, response() writes "<name> <status> <ms>" to the thread's own file
-- (BENCH_WRK_OUT/t<id>.log). The plan (BENCH_WRK_PLAN, a Lua table written by wrkload.py) gives every
-- connection its signed-in session (cookie + CSRF token) and disjoint lists of referred cases (for the
-- transition start_clearing) and due reviews (to document), so no two connections change the same row.
local ffi = require("ffi")
ffi.cdef[[ typedef struct { long tv_sec; long tv_nsec; } fm_timespec; int clock_gettime(int, fm_timespec *); ]]
local ts = ffi.new("fm_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local plan = dofile(os.getenv("BENCH_WRK_PLAN"))
local counter = 0
local threads = {}

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

local me, out, step, sent_name, sent_at, open_i, ref_i, rev_i, search_i

function init(args)
  me = plan.connections[((id - 1) % #plan.connections) + 1]
  out = io.open(string.format("%s/t%04d.log", os.getenv("BENCH_WRK_OUT"), id), "w")
  step, open_i, ref_i, rev_i, search_i = 0, id, 1, 1, id
end

local function headers(extra)
  local h = { ["Cookie"] = me.cookie }
  if extra then for k, v in pairs(extra) do h[k] = v end end
  return h
end

local function get(name, path)
  sent_name = name
  return wrk.format("GET", path, headers())
end

local function post(name, path, body)
  sent_name = name
  return wrk.format("POST", path, headers({ ["Content-Type"] = "application/x-www-form-urlencoded" }), body)
end

local function case_page()
  open_i = open_i % #me.open + 1
  return get("case_page", "/faelle/" .. me.open[open_i] .. "/")
end

local mix = {}

function mix.start() return get("start", "/") end
function mix.case() return case_page() end
function mix.inbox() return get("inbox", "/pruefungen/") end
function mix.search()
  search_i = search_i % #plan.search_terms + 1
  return get("search", plan.search_path .. "?q=" .. plan.search_terms[search_i])
end
function mix.transition_form()
  local c = me.referred[ref_i]
  if not c then return case_page() end
  return get("transition_form", "/faelle/" .. c[1] .. "/schritt/start_clearing/")
end
function mix.transition()
  local c = me.referred[ref_i]
  if not c then return case_page() end
  ref_i = ref_i + 1
  return post("transition", "/faelle/" .. c[1] .. "/schritt/start_clearing/",
              "version=" .. c[2] .. "&date=&csrfmiddlewaretoken=" .. me.csrf)
end
function mix.review()
  local r = me.reviews[rev_i]
  if not r then return case_page() end
  rev_i = rev_i + 1
  local p = "r" .. r
  return post("review", "/pruefungen/" .. r .. "/dokumentieren/",
              p .. "-decision=continue&" .. p .. "-reasons=Lastprobe&" .. p .. "-prognosis=Lastprobe&next=%2F&csrfmiddlewaretoken=" .. me.csrf)
end
for _, extra in ipairs(plan.extra or {}) do
  mix[extra.name] = function() return get(extra.name, extra.path) end
end

function request()
  step = step % #me.cycle + 1
  local req = mix[me.cycle[step]]()
  sent_at = now_ms()
  return req
end

local written = 0

function response(status, hdrs, body)
  written = written + 1
  if written % 500 == 0 then out:flush() end
  out:write(sent_name, " ", status, " ", string.format("%.2f", now_ms() - sent_at), " ",
            hdrs["Retry-After"] and "r" or "-", "\n")
end
