-- wrk script: every request uploads a new ~1 MB claim feed (distinct FeedId,
-- ClaimIds and bytes), one hospital per wrk thread. Tokens come from the
-- environment: TOKEN_H01 .. TOKEN_H08. RUN_ID keeps ids unique across runs.
local weights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
local checks = "10X98765432"
local claims_per_feed = tonumber(os.getenv("CLAIMS") or "2250")  -- about 1 MB (1.04 MB)
local run_id = os.getenv("RUN_ID") or "R"

local function id_number(seq)
  local s = string.format("44010619800101%03d", (seq % 50) * 2 + 1)
  local sum = 0
  for i = 1, 17 do sum = sum + tonumber(s:sub(i, i)) * weights[i] end
  local m = sum % 11
  return s .. checks:sub(m + 1, m + 1)
end

local threads = {}
local count = 0
function setup(thread)
  count = count + 1
  thread:set("hidx", count)
  table.insert(threads, thread)
end

local ids = {}
for i = 1, 50 do ids[i] = id_number(i) end
local claim_fmt = "<Claim><ClaimId>%s-%d-%d</ClaimId><Patient><IdNumber>%s</IdNumber><Name>P</Name>" ..
  "<BirthDate>1980-01-01</BirthDate><Sex>M</Sex></Patient><Visit><Type>inpatient</Type>" ..
  "<AdmissionDate>2026-11-01</AdmissionDate><DischargeDate>2026-11-10</DischargeDate>" ..
  "<Diagnosis>C34.1</Diagnosis></Visit><Costs><Total>1100.00</Total><InsurancePaid>1000.00</InsurancePaid>" ..
  "<InScopeSelfPay>100.00</InScopeSelfPay><OutOfScopeSelfPay>0.00</OutOfScopeSelfPay></Costs></Claim>\n"

function init(args)
  hospital = string.format("H%02d", hidx or 1)
  token = os.getenv("TOKEN_" .. hospital)
  n = 0
  failures = 0
end

function request()
  n = n + 1
  local parts = {}
  for i = 1, claims_per_feed do parts[i] = string.format(claim_fmt, run_id, n, i, ids[(i % 50) + 1]) end
  local body = string.format(
    '<?xml version="1.0" encoding="UTF-8"?>\n<ClaimFeed xmlns="urn:relief:claim-feed:1">\n<Header>' ..
    "<FeedId>%s-%s-%d</FeedId><HospitalCode>%s</HospitalCode><CreatedAt>2026-11-28T22:00:00+08:00</CreatedAt>" ..
    "<ClaimCount>%d</ClaimCount><ControlSum>%d.00</ControlSum></Header>\n",
    hospital, run_id, n, hospital, claims_per_feed, 1100 * claims_per_feed) .. table.concat(parts) .. "</ClaimFeed>\n"
  return wrk.format("POST", "/api/v1/feeds",
    {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/xml"}, body)
end

function response(status, headers, body)
  if status ~= 201 then failures = failures + 1 end
end

function done(summary, latency, requests)
  local failed = 0
  for _, t in ipairs(threads) do failed = failed + (t:get("failures") or 0) end
  io.write(string.format("uploads: %d in %.1f s = %.2f/s; not 201: %d; socket errors: %d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6), failed,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  io.write(string.format("latency ms: p50 %.1f  p90 %.1f  p99 %.1f  max %.1f\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
