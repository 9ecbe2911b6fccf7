#include "src/intake/verdict_json.hpp"

namespace relief {

nlohmann::json verdict_json(const FeedVerdict& v) {
  nlohmann::json rej = nlohmann::json::array();
  for (const auto& r : v.rejections)
    rej.push_back({{"claim_id", r.claim_id}, {"position", r.position}, {"reason", r.reason}, {"detail", r.detail}});
  nlohmann::json j = {{"source", v.source},
                      {"outcome", outcome_name(v.outcome)},
                      {"hospital_code", v.hospital_code},
                      {"feed_id", v.feed_id},
                      {"sha256", v.sha256},
                      {"bytes", v.bytes},
                      {"claims", {{"total", v.claims_total}, {"accepted", v.claims_accepted}, {"rejected", v.claims_rejected}}},
                      {"rejections", rej}};
  if (!v.code.empty()) j["code"] = v.code;
  if (!v.detail.empty()) j["detail"] = v.detail;
  return j;
}

}  // namespace relief
