// batch/report.cpp ReportFigures: the payment files are written on two
// threads, each channel's payments noted apart and merged in channel order.
// The report must be the one a single thread noting every payment in file
// order writes: the same sums per hospital and channel, the same largest
// payments in the same order (ties in file order).
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "batch/report.hpp"

using namespace relief;

namespace {

std::vector<std::string> largest_ids(const ReportFigures& f) {
  std::vector<std::string> ids;
  for (const auto& p : f.largest) ids.push_back(p.end_to_end_id);
  return ids;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(report_figures)

BOOST_AUTO_TEST_CASE(channels_noted_apart_and_merged_equal_one_pass) {
  const std::vector<std::string> channels = {"government", "children", "charity", "lottery"};
  std::uint32_t x = 99;
  auto next = [&x](std::uint32_t mod) {
    x = x * 1103515245u + 12345u;
    return (x >> 16) % mod;
  };
  for (int round = 0; round < 50; ++round) {
    ReportFigures one_pass;
    std::vector<ReportFigures> apart(channels.size());
    for (std::size_t c = 0; c < channels.size(); ++c) {
      const std::uint32_t payments = next(60);  // some channels pay fewer than kLargestShown
      for (std::uint32_t k = 0; k < payments; ++k) {
        PaymentRow p;
        p.channel = channels[c];
        p.end_to_end_id = channels[c] + "-" + std::to_string(k);
        p.hospital_code = "H" + std::to_string(next(5));
        p.hospital_name = "医院 " + p.hospital_code;
        p.amount_fen = 100 * static_cast<std::int64_t>(1 + next(8));  // many ties
        one_pass.note_payment(p);
        apart[c].note_payment(p);
      }
    }
    ReportFigures merged;
    for (const auto& a : apart) merged.merge_payments(a);
    BOOST_TEST_CONTEXT("round " << round) {
      BOOST_TEST(largest_ids(merged) == largest_ids(one_pass), boost::test_tools::per_element());
      BOOST_TEST((merged.by_hospital == one_pass.by_hospital));
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
