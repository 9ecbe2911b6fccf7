#include "tests/unit/test_support.hpp"

#include <Poco/Data/Session.h>

#include "adapters/registry/registry_csv.hpp"
#include "src/core/limits.hpp"
#include "src/core/money.hpp"

namespace relief::test {

std::string feed_xml(const FeedHeader& h, const std::vector<FeedClaim>& claims) {
  std::int64_t sum = 0;
  for (const auto& c : claims)
    if (auto v = parse_amount_fen(c.total)) sum += *v;
  std::string x = "<?xml version=\"1.0\" encoding=\"" + h.encoding + "\"?>\n";
  x += "<ClaimFeed xmlns=\"urn:relief:claim-feed:1\">\n<Header><FeedId>" + h.feed_id + "</FeedId><HospitalCode>" +
       h.hospital + "</HospitalCode><CreatedAt>" + h.created_at + "</CreatedAt><ClaimCount>" +
       h.claim_count.value_or(std::to_string(claims.size())) + "</ClaimCount><ControlSum>" +
       h.control_sum.value_or(format_fen(sum)) + "</ControlSum></Header>\n";
  for (const auto& c : claims) {
    x += "<Claim><ClaimId>" + c.claim_id + "</ClaimId><Patient><IdNumber>" + c.id_number + "</IdNumber><Name>" +
         c.name + "</Name><BirthDate>" + c.birth_date + "</BirthDate><Sex>" + c.sex + "</Sex></Patient><Visit><Type>" +
         c.type + "</Type><AdmissionDate>" + c.admission + "</AdmissionDate><DischargeDate>" + c.discharge +
         "</DischargeDate>";
    for (const auto& d : c.diagnoses) x += "<Diagnosis>" + d + "</Diagnosis>";
    if (!c.accident.empty()) x += "<Accident>" + c.accident + "</Accident>";
    x += "</Visit><Costs><Total>" + c.total + "</Total><InsurancePaid>" + c.insurance + "</InsurancePaid><InScopeSelfPay>" +
         c.in_scope + "</InScopeSelfPay><OutOfScopeSelfPay>" + c.out_of_scope + "</OutOfScopeSelfPay></Costs>";
    if (!c.special_approval.empty()) x += "<SpecialApproval>" + c.special_approval + "</SpecialApproval>";
    x += c.extra + "</Claim>\n";
  }
  x += "</ClaimFeed>\n";
  return x;
}

std::vector<Hospital> test_hospitals() {
  return {{"H0001", "测试第一医院", true, "3602000109000123456", "102581000013", "中国工商银行广州分行"},
          {"H0002", "测试社区医院", false, "44050146010100000123", "105581000016", "中国建设银行广州分行"}};
}

IngestOptions default_ingest_options() {
  IngestOptions o{};
  o.feed_bytes_max = limits::feed_bytes_max_default;
  return o;
}

FeedVerdict ingest_bytes(Db& db, const std::string& bytes, const std::string& label) {
  FeedSource src;
  src.path = label;
  src.buffer = &bytes;
  return ingest_feed(db, src, default_ingest_options());
}

FeedVerdict ingest_path(Db& db, const std::string& path) {
  FeedSource src;
  src.path = path;
  return ingest_feed(db, src, default_ingest_options());
}

std::string rejection_of(const FeedVerdict& v, const std::string& claim_id) {
  for (const auto& r : v.rejections)
    if (r.claim_id == claim_id) return r.reason;
  return "";
}

std::int64_t count_rows(Db& db, const std::string& sql) {
  Poco::Int64 n = 0;
  db.session() << sql, Poco::Data::Keywords::into(n), Poco::Data::Keywords::now;
  return n;
}

}  // namespace relief::test

namespace relief::test {
std::string query_text(Db& db, const std::string& sql) {
  std::string s;
  db.session() << "SELECT coalesce((" + sql + "), '')", Poco::Data::Keywords::into(s), Poco::Data::Keywords::now;
  return s;
}
}  // namespace relief::test

namespace relief::test {
const ChannelSet& project_channels() {
  static const ChannelSet set = ChannelSet::load(RELIEF_SOURCE_DIR "/channels");
  return set;
}

const ChannelOutcome& outcome(const ClaimResult& r, const std::string& channel) {
  for (const auto& o : r.channels)
    if (o.channel == channel) return o;
  BOOST_FAIL("no outcome for channel " + channel);
  throw std::logic_error("unreachable");
}

std::int64_t paid(const ClaimResult& r, const std::string& channel) { return outcome(r, channel).amount_fen; }
std::unique_ptr<Db> open_with_case_registries(const std::string& db_path, const std::string& case_dir) {
  auto db = Db::open(db_path);
  std::vector<CsvError> errors;
  upsert_hospitals(*db, read_hospitals_csv(read_file(case_dir + "/hospitals.csv"), errors));
  upsert_persons(*db, read_registry_csv(read_file(case_dir + "/registry.csv"), errors));
  BOOST_REQUIRE(errors.empty());
  return db;
}

}  // namespace relief::test

#include "src/store/batch_store.hpp"
#include "src/store/sql.hpp"
#include "src/store/trace_blocks.hpp"

namespace relief::test {
void store_results_as_before(Db& db, const std::string& batch_id, OldResults how) {
  const std::vector<ResultRow> rows = load_results(db, batch_id);
  Db::Tx tx(db);
  for (const char* sql : {"DELETE FROM result_traces WHERE batch_id = ?", "DELETE FROM results WHERE batch_id = ?"}) {
    SqlStmt drop(db, sql);
    drop.bind(1, batch_id);
    drop.run();
  }
  SqlStmt row(db,
              "INSERT INTO results (batch_id, position, hospital_code, claim_id, feed_id, patient_id, discharge_date,"
              " burden_fen, total_paid_fen, paid, trace) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (const auto& r : rows) {
    row.bind(1, batch_id).bind(2, r.position).bind(3, r.hospital_code).bind(4, r.claim_id).bind(5, r.feed_id);
    row.bind(6, r.patient_id).bind(7, r.discharge_date).bind(8, r.burden_fen).bind(9, r.total_paid_fen);
    row.bind(10, how == OldResults::kRowsTracesInBlocks ? std::string_view{} : std::string_view(r.paid));
    row.bind(11, how == OldResults::kRowsWithTraces ? std::string_view(r.trace) : std::string_view{});
    row.run();
  }
  if (how != OldResults::kRowsWithTraces) {
    SqlStmt block(db,
                  "INSERT INTO result_traces (batch_id, first_position, results, text_bytes, zstd)"
                  " VALUES (?, ?, ?, ?, ?)");  // layout: its default, 1
    for (std::size_t k = 0; k < rows.size(); k += kTracesPerBlock) {
      std::vector<std::string_view> traces;
      for (std::size_t j = k; j < std::min(k + kTracesPerBlock, rows.size()); ++j) traces.emplace_back(rows[j].trace);
      const TraceBlock b = pack_traces(rows[k].position, traces);
      block.bind(1, batch_id).bind(2, b.first_position).bind(3, b.results).bind(4, b.text_bytes).bind_blob(5, b.zstd);
      block.run();
    }
  }
  tx.commit();
}
}  // namespace relief::test
