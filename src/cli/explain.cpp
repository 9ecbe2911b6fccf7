// relief explain HOSPITAL CLAIM: the trace, written for a person.
#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>

#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "src/cli/cli.hpp"
#include "src/core/idnumber.hpp"
#include "src/core/money.hpp"
#include "src/store/batch_store.hpp"

using namespace Poco::Data::Keywords;

namespace relief::cli {

namespace {

std::string ratio_text(std::int64_t bp) {
  if (bp % 100 == 0) return std::to_string(bp / 100) + "%";
  return fmt::format("{}.{:02d}%", bp / 100, bp % 100);
}

void explain_channel(const std::string& name, const nlohmann::json& o, std::ostream& out) {
  std::string amount = o.value("amount", "0.00");
  if (!o.value("in_force", false)) {
    out << fmt::format("  {}: pays 0.00 - {}\n", name, o.value("note", "not in force"));
    return;
  }
  out << fmt::format("  {} (rules in force from {}): pays {}\n", name, o.value("version", "?"), amount);
  for (const auto& r : o["rules"])
    out << fmt::format("    [{}] {}: {}\n", r["ok"].get<bool>() ? "ok" : "FAILED", r["rule"].get<std::string>(),
                       r["detail"].get<std::string>());
  if (!o.value("eligible", false)) {
    out << "    not eligible: every rule must hold\n";
    return;
  }
  out << fmt::format("    base {} (of {} still unpaid) x {} = {}\n", o["base"].get<std::string>(),
                     o["remaining"].get<std::string>(), ratio_text(o["ratio_bp"].get<std::int64_t>()),
                     o["computed"].get<std::string>());
  out << fmt::format("    annual cap {}{}, already used this year {}\n", o["cap"].get<std::string>(),
                     o.value("special_cap", false) ? " (special approval)" : "", o["used_before"].get<std::string>());
  if (o.contains("note")) out << "    " << o["note"].get<std::string>() << "\n";
}

}  // namespace

int cmd_explain(const Args& a, std::ostream& out, std::ostream&) {
  if (a.words.size() != 2) throw UsageError("explain needs HOSPITAL_CODE and CLAIM_ID");
  const std::string& hospital = a.words[0];
  const std::string& claim = a.words[1];
  auto db = Db::open(a.db_path);
  if (auto found = find_result(*db, hospital, claim)) {
    const auto& [batch, r] = *found;
    auto trace = nlohmann::json::parse(r.trace);
    out << fmt::format("claim {} of {} (feed {}), patient {}, discharged {}\n", claim, hospital, r.feed_id,
                       mask_id(r.patient_id), r.discharge_date);
    out << fmt::format("adjudicated in batch {}: self-paid burden {}, relief paid {}\n", batch,
                       format_fen(r.burden_fen), format_fen(r.total_paid_fen));
    out << "channels in payment order:\n";
    // The trace object is keyed by channel; show it in the order recorded for the batch.
    for (const auto& ch : load_batch_channels(*db, batch))
      if (trace.contains(ch.channel)) explain_channel(ch.channel, trace[ch.channel], out);
    return kOk;
  }
  // Not adjudicated: queued, or rejected.
  std::string h = hospital, c = claim;
  Poco::Int64 queued = 0;
  db->session() << "SELECT count(*) FROM claims c JOIN feeds f ON f.seq = c.feed_seq"
                   " WHERE c.hospital_code = ? AND c.claim_id = ? AND f.batch_id IS NULL",
      use(h), use(c), into(queued), now;
  if (queued > 0) {
    out << fmt::format("claim {} of {} is accepted and queued for the next batch run\n", claim, hospital);
    return kOk;
  }
  std::vector<std::string> feeds, reasons, details;
  db->session() << "SELECT feed_id, reason, detail FROM rejections WHERE hospital_code = ? AND claim_id = ? ORDER BY seq",
      use(h), use(c), into(feeds), into(reasons), into(details), now;
  if (!reasons.empty()) {
    for (std::size_t i = 0; i < reasons.size(); ++i)
      out << fmt::format("claim {} of {} was rejected in feed {}: {} - {}\n", claim, hospital, feeds[i], reasons[i],
                         details[i]);
    return kOk;
  }
  out << fmt::format("no claim {} of {} is known\n", claim, hospital);
  return kUsage;
}

}  // namespace relief::cli
