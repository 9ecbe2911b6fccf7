#pragma once
// Payment files of one channel in one batch (SPEC 5): the CSV every channel
// gets, and the ISO 20022 pain.001.001.03 credit transfer initiation.
#include <string>
#include <string_view>
#include <vector>

#include "src/store/batch_store.hpp"

namespace relief {

std::string payments_csv(const std::vector<PaymentRow>& rows);

struct Pain001Header {
  std::string batch_id;
  std::string batch_date;    // ReqdExctnDt
  std::string created_at;    // CreDtTm, from the batch record
  std::string channel;
  FundingSource fund;
};
// Streaming pieces: the head needs the count and sum up front (from the
// batch record); the caller checks the rows add up to them.
std::string pain001_begin(const Pain001Header& h, std::int64_t tx_count, std::int64_t ctrl_sum_fen);
std::string pain001_transaction(const Pain001Header& h, const PaymentRow& r);
void append_pain001_transaction(std::string& out, const Pain001Header& h, const PaymentRow& r);
std::string pain001_end();
std::string pain001_xml(const Pain001Header& h, const std::vector<PaymentRow>& rows);
std::string payments_csv_header();
std::string payments_csv_row(const PaymentRow& r);
void append_payments_csv_row(std::string& out, const PaymentRow& r);

// EndToEndId: <batch id>-<channel code>-<8-digit position>, at most 35 characters.
std::string end_to_end_id(const std::string& batch_id, const std::string& channel, std::int64_t position);
std::string channel_code(const std::string& channel);

std::string csv_field(const std::string& s);
void append_csv_field(std::string& out, std::string_view s);
std::string xml_escape(const std::string& s);
void append_xml_escaped(std::string& out, std::string_view s);

}  // namespace relief
