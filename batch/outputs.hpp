#pragma once
// The files of a batch. `relief export` (and a repair) writes them from the
// database; the run writes results.jsonl and the payment files as it goes,
// with the same functions over the same rows in the same order, so an export
// is byte for byte what the run wrote (tests compare the two). Files stream:
// memory does not grow with the batch.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "batch/report.hpp"
#include "src/store/batch_store.hpp"
#include "src/store/db.hpp"
#include "src/util/files.hpp"

namespace relief {

// Writes every file of batch B into DIR (temporary names, fsync, rename,
// fsync folder). Throws, leaving no half-written file, if the payment rows do
// not add up to the batch record's totals.
//
// The run itself renders results.jsonl while it adjudicates (the same
// append_result_line over the same rows, so the bytes are the ones an export
// writes); it hands the unfinished file over here and it is only finished
// (fsync, rename) after the commit. Without it the file is read back from the
// database.
//
// The run writes the payment files as it goes too, from the rows it stores,
// in the order an export reads them (by channel, then position): each
// channel's CSV file whole, and its pain.001 transactions into a side file
// (`payments-<channel>.xml.body`, never finished) that becomes the pain.001
// file after the commit, behind the header that carries the count and sum.
// The report's payment figures are noted per channel on the way.
class PrewrittenPayments {
 public:
  struct ChannelFund {
    std::string channel;
    FundingSource fund;
  };
  PrewrittenPayments(const std::string& dir, const std::string& batch_id, const std::string& batch_date,
                     const std::vector<ChannelFund>& channels);
  ~PrewrittenPayments();  // unfinished files go
  PrewrittenPayments(const PrewrittenPayments&) = delete;
  PrewrittenPayments& operator=(const PrewrittenPayments&) = delete;
  // The next payment of its channel (positions ascending).
  void add(const PaymentRow& p);
  // Before the commit, on a helper thread while the batch is committed:
  // checks each channel against `rows` (the batch record about to be
  // committed), assembles each pain.001 file and syncs every file, under
  // its temporary name. A failure here is seen again by publish().
  void prepare(const std::vector<BatchChannelRow>& rows);
  // After the commit: checks each channel's rows against the batch record
  // (count, sum, ledger increase), finishes every file (what prepare() has
  // not done yet, then the renames) and merges the figures into `fig` in the
  // order of `rows`.
  void publish(const std::vector<BatchChannelRow>& rows, ReportFigures& fig);

 private:
  struct Channel;
  Channel& checked(const BatchChannelRow& row);  // the run's channel, checked against the record
  std::string dir_;
  std::vector<std::unique_ptr<Channel>> channels_;
  std::string text_;  // one payment's row or transaction, the buffer reused
};

struct PrewrittenResults {
  std::unique_ptr<FileSink> sink;  // OUT/B/results.jsonl, every line written, not finished
  std::int64_t results = 0;
  std::unique_ptr<PrewrittenPayments> payments;  // none: written from the database
};
void write_batch_files(Db& db, const std::string& batch_id, const std::string& dir,
                       PrewrittenResults* prewritten = nullptr);
// write_batch_files into OUT/B/, then marks the batch published.
void publish_batch(Db& db, const std::string& batch_id, const std::string& out_dir,
                   PrewrittenResults* prewritten = nullptr);
// One line of results.jsonl.
void append_result_line(std::string& out, const std::string& batch_id, const ResultRow& r);
// The same line in two parts, for a writer that appends the trace itself
// (the run renders it straight into the file's text): the line up to its
// trace, then after the trace its end.
void append_result_line_head(std::string& out, const std::string& batch_id, const ResultRow& r);
void append_result_line_end(std::string& out);
// file name -> bytes (through a temporary folder), for tests and the API.
std::map<std::string, std::string> render_batch_files(Db& db, const std::string& batch_id);
// The timestamp every file carries: from the batch record, never the clock.
std::string batch_file_timestamp(const std::string& batch_date);

}  // namespace relief
