#pragma once
// report.html: what a civil-affairs officer reads in the morning. Built
// from figures gathered while the batch's files stream out, so its size and
// the memory it needs do not grow with the batch.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "src/store/batch_store.hpp"

namespace relief {

struct ReportFigures {
  BatchRecord batch;
  std::vector<BatchChannelRow> channels;
  std::vector<RejectionRecord> rejections;
  std::int64_t feeds_accepted = 0, feeds_refused = 0, claims_adjudicated = 0;
  // hospital code -> (name, channel -> total fen)
  std::map<std::string, std::pair<std::string, std::map<std::string, std::int64_t>>> by_hospital;
  std::vector<PaymentRow> largest;           // the largest payments, descending

  static constexpr std::size_t kLargestShown = 20;
  void note_payment(const PaymentRow& p);
  // Adds the payments another ReportFigures noted, as if they had been noted
  // here after these (the channels' files are written on two threads, each
  // channel's notes kept apart, and merged in channel order).
  void merge_payments(const ReportFigures& later);

 private:
  void keep_if_largest(const PaymentRow& p);
};

std::string render_report_html(const ReportFigures& d);

}  // namespace relief
