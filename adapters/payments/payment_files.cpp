#include "adapters/payments/payment_files.hpp"

#include <cassert>
#include <cctype>
#include <cstdio>

#include "src/core/idnumber.hpp"
#include "src/core/money.hpp"

namespace relief {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string xml_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string channel_code(const std::string& channel) {
  if (channel == "government") return "GOV";
  if (channel == "children") return "CHD";
  if (channel == "charity") return "CHA";
  if (channel == "lottery") return "LOT";
  std::string code;
  for (char c : channel)
    if (std::isalnum(static_cast<unsigned char>(c)) && code.size() < 6)
      code += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return code;
}

std::string end_to_end_id(const std::string& batch_id, const std::string& channel, std::int64_t position) {
  char pos[16];
  std::snprintf(pos, sizeof pos, "%08lld", static_cast<long long>(position));
  std::string id = batch_id + "-" + channel_code(channel) + "-" + pos;
  assert(id.size() <= 35);
  return id;
}

std::string payments_csv_header() {
  return "end_to_end_id,batch_id,channel,hospital_code,hospital_name,account,bank_code,claim_id,patient,"
         "discharge_date,amount\n";
}

std::string payments_csv_row(const PaymentRow& r) {
  return csv_field(r.end_to_end_id) + ',' + csv_field(r.batch_id) + ',' + csv_field(r.channel) + ',' +
         csv_field(r.hospital_code) + ',' + csv_field(r.hospital_name) + ',' + csv_field(r.account) + ',' +
         csv_field(r.bank_code) + ',' + csv_field(r.claim_id) + ',' + mask_id(r.patient_id) + ',' + r.discharge_date +
         ',' + format_fen(r.amount_fen) + '\n';
}

std::string payments_csv(const std::vector<PaymentRow>& rows) {
  std::string out = payments_csv_header();
  for (const auto& r : rows) out += payments_csv_row(r);
  return out;
}

std::string pain001_begin(const Pain001Header& h, std::int64_t tx_count, std::int64_t ctrl_sum_fen) {
  std::string n = std::to_string(tx_count);
  std::string sum = format_fen(ctrl_sum_fen);
  std::string pmt_inf_id = h.batch_id + "-" + channel_code(h.channel);
  std::string o;
  o += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  o += "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.03\">\n";
  o += "  <CstmrCdtTrfInitn>\n";
  o += "    <GrpHdr>\n";
  o += "      <MsgId>RELIEF-" + pmt_inf_id + "</MsgId>\n";
  o += "      <CreDtTm>" + h.created_at + "</CreDtTm>\n";
  o += "      <NbOfTxs>" + n + "</NbOfTxs>\n";
  o += "      <CtrlSum>" + sum + "</CtrlSum>\n";
  o += "      <InitgPty><Nm>" + xml_escape(h.fund.name) + "</Nm></InitgPty>\n";
  o += "    </GrpHdr>\n";
  o += "    <PmtInf>\n";
  o += "      <PmtInfId>" + pmt_inf_id + "</PmtInfId>\n";
  o += "      <PmtMtd>TRF</PmtMtd>\n";
  o += "      <NbOfTxs>" + n + "</NbOfTxs>\n";
  o += "      <CtrlSum>" + sum + "</CtrlSum>\n";
  o += "      <ReqdExctnDt>" + h.batch_date + "</ReqdExctnDt>\n";
  o += "      <Dbtr><Nm>" + xml_escape(h.fund.name) + "</Nm></Dbtr>\n";
  o += "      <DbtrAcct><Id><Othr><Id>" + xml_escape(h.fund.account) + "</Id></Othr></Id><Ccy>CNY</Ccy></DbtrAcct>\n";
  o += "      <DbtrAgt><FinInstnId><ClrSysMmbId><ClrSysId><Cd>CNAPS</Cd></ClrSysId><MmbId>" +
       xml_escape(h.fund.bank_code) + "</MmbId></ClrSysMmbId></FinInstnId></DbtrAgt>\n";
  o += "      <ChrgBr>SLEV</ChrgBr>\n";
  return o;
}

std::string pain001_transaction(const Pain001Header& h, const PaymentRow& r) {
  std::string o;
  o.reserve(900);
  o += "      <CdtTrfTxInf>\n";
  o += "        <PmtId><EndToEndId>" + xml_escape(r.end_to_end_id) + "</EndToEndId></PmtId>\n";
  o += "        <Amt><InstdAmt Ccy=\"CNY\">" + format_fen(r.amount_fen) + "</InstdAmt></Amt>\n";
  o += "        <CdtrAgt><FinInstnId><ClrSysMmbId><ClrSysId><Cd>CNAPS</Cd></ClrSysId><MmbId>" + xml_escape(r.bank_code) +
       "</MmbId></ClrSysMmbId></FinInstnId></CdtrAgt>\n";
  o += "        <Cdtr><Nm>" + xml_escape(r.hospital_name) + "</Nm></Cdtr>\n";
  o += "        <CdtrAcct><Id><Othr><Id>" + xml_escape(r.account) + "</Id></Othr></Id></CdtrAcct>\n";
  o += "        <RmtInf><Ustrd>" +
       xml_escape("Medical relief " + h.channel + " " + r.hospital_code + "/" + r.claim_id + " patient " +
                  mask_id(r.patient_id) + " discharged " + r.discharge_date) +
       "</Ustrd></RmtInf>\n";
  o += "      </CdtTrfTxInf>\n";
  return o;
}

std::string pain001_end() { return "    </PmtInf>\n  </CstmrCdtTrfInitn>\n</Document>\n"; }

std::string pain001_xml(const Pain001Header& h, const std::vector<PaymentRow>& rows) {
  assert(!rows.empty());
  std::int64_t total = 0;
  for (const auto& r : rows) total = add_fen(total, r.amount_fen);
  std::string o = pain001_begin(h, static_cast<std::int64_t>(rows.size()), total);
  for (const auto& r : rows) o += pain001_transaction(h, r);
  o += pain001_end();
  return o;
}

}  // namespace relief
