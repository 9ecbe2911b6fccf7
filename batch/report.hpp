#pragma once
// report.html: what a civil-affairs officer reads in the morning.
#include <map>
#include <string>
#include <vector>

#include "src/store/batch_store.hpp"

namespace relief {

struct BatchData {
  BatchRecord batch;
  std::vector<BatchChannelRow> channels;
  std::vector<ResultRow> results;
  std::vector<RejectionRecord> rejections;
  std::map<std::string, std::vector<PaymentRow>> payments;  // per channel
  std::int64_t feeds_accepted = 0, feeds_refused = 0;
};

std::string render_report_html(const BatchData& d);

}  // namespace relief
