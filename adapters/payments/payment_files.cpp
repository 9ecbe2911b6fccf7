#include "adapters/payments/payment_files.hpp"

#include <cassert>
#include <cctype>
#include <cstdio>

#include "src/core/idnumber.hpp"
#include "src/core/money.hpp"

namespace relief {

void append_csv_field(std::string& out, std::string_view s) {
  bool plain = true;
  for (char c : s) plain = plain && c != ',' && c != '"' && c != '\r' && c != '\n';
  if (plain) {
    out += s;
    return;
  }
  out += '"';
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

std::string csv_field(const std::string& s) {
  std::string out;
  append_csv_field(out, s);
  return out;
}

void append_xml_escaped(std::string& out, std::string_view s) {
  std::size_t run = 0;  // start of the pending run copied as it is
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char* entity = nullptr;
    switch (s[i]) {
      case '&': entity = "&amp;"; break;
      case '<': entity = "&lt;"; break;
      case '>': entity = "&gt;"; break;
      case '"': entity = "&quot;"; break;
      case '\'': entity = "&apos;"; break;
      default: continue;
    }
    out.append(s.data() + run, i - run);
    out += entity;
    run = i + 1;
  }
  out.append(s.data() + run, s.size() - run);
}

std::string xml_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  append_xml_escaped(out, s);
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

void append_payments_csv_row(std::string& out, const PaymentRow& r) {
  for (const std::string* field : {&r.end_to_end_id, &r.batch_id, &r.channel, &r.hospital_code, &r.hospital_name,
                                   &r.account, &r.bank_code, &r.claim_id}) {
    append_csv_field(out, *field);
    out += ',';
  }
  append_masked_id(out, r.patient_id);
  out += ',';
  out += r.discharge_date;
  out += ',';
  append_fen(out, r.amount_fen);
  out += '\n';
}

std::string payments_csv_row(const PaymentRow& r) {
  std::string out;
  append_payments_csv_row(out, r);
  return out;
}

std::string payments_csv(const std::vector<PaymentRow>& rows) {
  std::string out = payments_csv_header();
  for (const auto& r : rows) append_payments_csv_row(out, r);
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

void append_pain001_transaction(std::string& o, const Pain001Header& h, const PaymentRow& r) {
  o += "      <CdtTrfTxInf>\n        <PmtId><EndToEndId>";
  append_xml_escaped(o, r.end_to_end_id);
  o += "</EndToEndId></PmtId>\n        <Amt><InstdAmt Ccy=\"CNY\">";
  append_fen(o, r.amount_fen);
  o += "</InstdAmt></Amt>\n"
       "        <CdtrAgt><FinInstnId><ClrSysMmbId><ClrSysId><Cd>CNAPS</Cd></ClrSysId><MmbId>";
  append_xml_escaped(o, r.bank_code);
  o += "</MmbId></ClrSysMmbId></FinInstnId></CdtrAgt>\n        <Cdtr><Nm>";
  append_xml_escaped(o, r.hospital_name);
  o += "</Nm></Cdtr>\n        <CdtrAcct><Id><Othr><Id>";
  append_xml_escaped(o, r.account);
  o += "</Id></Othr></Id></CdtrAcct>\n        <RmtInf><Ustrd>Medical relief ";
  // Escaping piece by piece equals escaping the whole text.
  append_xml_escaped(o, h.channel);
  o += ' ';
  append_xml_escaped(o, r.hospital_code);
  o += '/';
  append_xml_escaped(o, r.claim_id);
  o += " patient ";
  append_masked_id(o, r.patient_id);
  o += " discharged ";
  append_xml_escaped(o, r.discharge_date);
  o += "</Ustrd></RmtInf>\n      </CdtTrfTxInf>\n";
}

std::string pain001_transaction(const Pain001Header& h, const PaymentRow& r) {
  std::string o;
  o.reserve(900);
  append_pain001_transaction(o, h, r);
  return o;
}

std::string pain001_end() { return "    </PmtInf>\n  </CstmrCdtTrfInitn>\n</Document>\n"; }

std::string pain001_xml(const Pain001Header& h, const std::vector<PaymentRow>& rows) {
  assert(!rows.empty());
  std::int64_t total = 0;
  for (const auto& r : rows) total = add_fen(total, r.amount_fen);
  std::string o = pain001_begin(h, static_cast<std::int64_t>(rows.size()), total);
  for (const auto& r : rows) append_pain001_transaction(o, h, r);
  o += pain001_end();
  return o;
}

}  // namespace relief
