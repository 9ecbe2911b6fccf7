#pragma once
// Shared by the test_reconcile_*.cpp files: a database holding one real
// batch (../shared/cases/hand, batch 1) and statements built from that
// batch's own payment files.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "adapters/registry/csv.hpp"
#include "adapters/registry/registry_csv.hpp"
#include "batch/run.hpp"
#include "channels/channel.hpp"
#include "src/intake/ingest.hpp"
#include "src/store/db.hpp"
#include "src/store/registry_store.hpp"
#include "src/util/files.hpp"

namespace relief::test {

inline std::string read_all(const std::string& path) { return read_file_limited(path, 64 * 1024 * 1024); }

// A payment as its batch's payments-<channel>.csv shows it.
struct PaidRow {
  std::string end_to_end_id, amount;
};

// One statement entry to write.
struct Booking {
  Booking() = default;
  Booking(std::string e2e, std::string amt, bool is_credit = false, bool is_reversal = false)
      : end_to_end_id(std::move(e2e)), amount(std::move(amt)), credit(is_credit), reversal(is_reversal) {}
  std::string end_to_end_id;   // "" for a batch booking or an unreferenced entry
  std::string amount;          // as written in the statement
  bool credit = false;
  bool reversal = false;
  std::string pmt_inf_id;      // NtryDtls/Btch/PmtInfId (batch booking, no TxDtls)
  std::string status = "BOOK";
  std::string booking_date = "2017-01-05";
};

class ReconcileFixture {
 public:
  ReconcileFixture() {
    dir_ = std::filesystem::temp_directory_path() /
           ("relief-recon-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    db = Db::open((dir_ / "relief.db").string());
    const std::string hand = std::string(RELIEF_SHARED_DIR) + "/cases/hand";
    std::vector<CsvError> errors;
    upsert_hospitals(*db, read_hospitals_csv(read_all(hand + "/hospitals.csv"), errors));
    upsert_persons(*db, read_registry_csv(read_all(hand + "/registry.csv"), errors));
    if (!errors.empty()) throw std::runtime_error("hand case registries do not load");
    IngestOptions io;
    io.feed_bytes_max = 64 * 1024 * 1024;
    for (const auto& e : std::filesystem::directory_iterator(hand + "/batch-1"))
      ingest_feed(*db, FeedSource{e.path().string(), nullptr}, io);
    channels = std::make_unique<ChannelSet>(ChannelSet::load(std::string(RELIEF_SOURCE_DIR) + "/channels"));
    RunOptions opt;
    opt.date = "2017-01-02";
    opt.out_dir = (dir_ / "out").string();
    std::ostringstream out, err;
    RunResult r = run_batch(*db, *channels, opt, out, err);
    batch_id = r.batch_id;
    if (batch_id.empty()) throw std::runtime_error("the hand case made no batch: " + err.str());
  }
  ~ReconcileFixture() {
    db.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::string batch_file(const std::string& name) const { return read_all((dir_ / "out" / batch_id / name).string()); }

  // The rows of the batch's payments-<channel>.csv.
  std::vector<PaidRow> paid(const std::string& channel) const {
    std::vector<CsvError> errors;
    CsvTable t = parse_csv(batch_file("payments-" + channel + ".csv"), errors);
    std::vector<PaidRow> out;
    for (const auto& r : t.records)
      out.push_back({r.fields[t.column_index.at("end_to_end_id")], r.fields[t.column_index.at("amount")]});
    return out;
  }

  // A text element of the channel's pain.001 file (PmtInfId, CtrlSum, DbtrAcct's Id...).
  std::string pain001_value(const std::string& channel, const std::string& open, const std::string& close) const {
    std::string xml = batch_file("payments-" + channel + ".xml");
    auto a = xml.find(open);
    if (a == std::string::npos) throw std::runtime_error(open + " not in the payment file");
    a += open.size();
    return xml.substr(a, xml.find(close, a) - a);
  }
  std::string pmt_inf_id(const std::string& channel) const { return pain001_value(channel, "<PmtInfId>", "</PmtInfId>"); }
  std::string ctrl_sum(const std::string& channel) const {
    auto at = batch_file("payments-" + channel + ".xml").find("<PmtInf>");
    std::string xml = batch_file("payments-" + channel + ".xml").substr(at);
    auto a = xml.find("<CtrlSum>") + 9;
    return xml.substr(a, xml.find("</CtrlSum>", a) - a);
  }
  std::string fund_account(const std::string& channel) const {
    return pain001_value(channel, "<DbtrAcct><Id><Othr><Id>", "</Id>");
  }

  // Every payment of the channel booked as paid, one entry each.
  std::vector<Booking> clean_bookings(const std::string& channel) const {
    std::vector<Booking> b;
    for (const auto& p : paid(channel)) b.emplace_back(p.end_to_end_id, p.amount);
    return b;
  }

  std::string write(const std::string& name, const std::string& bytes) const {
    std::string p = path(name);
    std::ofstream(p, std::ios::binary) << bytes;
    return p;
  }

  std::unique_ptr<Db> db;
  std::unique_ptr<ChannelSet> channels;
  std::string batch_id;

 private:
  static int& counter() {
    static int n = 0;
    return n;
  }
  std::filesystem::path dir_;
};

// A camt.053.001.NN statement of `account` with the bookings as entries.
inline std::string camt053(int version, const std::string& account, const std::vector<Booking>& bookings,
                           const std::string& stmt_id = "STMT-1") {
  char nn[8];
  std::snprintf(nn, sizeof nn, "%02d", version);
  std::string o = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  o += std::string("<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.") + nn + "\">\n";
  o += "<BkToCstmrStmt>\n<GrpHdr><MsgId>MSG-" + stmt_id + "</MsgId><CreDtTm>2017-01-06T08:00:00+08:00</CreDtTm></GrpHdr>\n";
  o += "<Stmt><Id>" + stmt_id + "</Id><CreDtTm>2017-01-06T08:00:00+08:00</CreDtTm>\n";
  o += "<Acct><Id><Othr><Id>" + account + "</Id></Othr></Id><Ccy>CNY</Ccy></Acct>\n";
  o += "<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"CNY\">1000000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
       "<Dt><Dt>2017-01-05</Dt></Dt></Bal>\n";
  int n = 0;
  for (const auto& b : bookings) {
    ++n;
    o += "<Ntry><NtryRef>" + std::to_string(n) + "</NtryRef><Amt Ccy=\"CNY\">" + b.amount + "</Amt>";
    o += std::string("<CdtDbtInd>") + (b.credit ? "CRDT" : "DBIT") + "</CdtDbtInd>";
    if (b.reversal) o += "<RvslInd>true</RvslInd>";
    o += version >= 8 ? "<Sts><Cd>" + b.status + "</Cd></Sts>" : "<Sts>" + b.status + "</Sts>";
    o += "<BookgDt><Dt>" + b.booking_date + "</Dt></BookgDt><ValDt><Dt>" + b.booking_date + "</Dt></ValDt>";
    o += "<AcctSvcrRef>BANK-" + stmt_id + "-" + std::to_string(n) + "</AcctSvcrRef>";
    o += "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>DMCT</SubFmlyCd></Fmly></Domn></BkTxCd>";
    if (!b.pmt_inf_id.empty()) {
      o += "<NtryDtls><Btch><PmtInfId>" + b.pmt_inf_id + "</PmtInfId></Btch></NtryDtls>";
    } else {
      o += "<NtryDtls><TxDtls><Refs><EndToEndId>" + (b.end_to_end_id.empty() ? "NOTPROVIDED" : b.end_to_end_id) +
           "</EndToEndId></Refs>";
      if (version >= 3) o += "<Amt Ccy=\"CNY\">" + b.amount + "</Amt>";
      o += "</TxDtls></NtryDtls>";
    }
    o += "</Ntry>\n";
  }
  o += "</Stmt>\n</BkToCstmrStmt>\n</Document>\n";
  return o;
}

inline std::string csv_statement(const std::vector<Booking>& bookings) {
  std::string o = "booking_date,end_to_end_id,amount,direction\n";
  for (const auto& b : bookings)
    o += b.booking_date + "," + b.end_to_end_id + "," + b.amount + "," + (b.credit ? "CRDT" : "DBIT") + "\n";
  return o;
}

}  // namespace relief::test
