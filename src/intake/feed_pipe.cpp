#include "src/intake/feed_pipe.hpp"

#include "src/core/money.hpp"
#include "src/intake/checks.hpp"

namespace relief {

namespace {
struct Stopped {};  // thrown inside the parse to end it early
}  // namespace

FeedPipe::FeedPipe(const FeedSource& src, const std::string& encoding)
    : reader_(&FeedPipe::read, this, src, encoding) {}

FeedPipe::~FeedPipe() {
  stop();
  {
    std::unique_lock lk(mu_);
    queue_.clear();
  }
  changed_.notify_all();
  reader_.join();
}

void FeedPipe::stop() {
  {
    std::lock_guard lk(mu_);
    stop_ = true;
  }
  changed_.notify_all();
}

void FeedPipe::push(Message m) {
  std::unique_lock lk(mu_);
  changed_.wait(lk, [&] { return queue_.size() < kMessagesQueuedMax || stop_; });
  if (stop_) throw Stopped{};
  queue_.push_back(std::move(m));
  changed_.notify_all();
}

bool FeedPipe::next(Message& out) {
  std::unique_lock lk(mu_);
  changed_.wait(lk, [&] { return !queue_.empty() || done_; });
  if (!queue_.empty()) {
    out = std::move(queue_.front());
    queue_.pop_front();
    changed_.notify_all();
    return true;
  }
  if (error_) std::rethrow_exception(error_);
  return false;
}

void FeedPipe::read(FeedSource src, std::string encoding) {
  // The buffer (if any) outlives the pipe: the caller holds it until ingest_feed returns.
  RawHeader header;
  std::optional<Date> created;
  Message batch;
  std::int64_t valid_total = 0;
  FeedCallbacks cb;
  cb.on_header = [&](const RawHeader& h) {
    header = h;
    created = timestamp_date(h.created_at);
    Message m;
    m.kind = Message::kHeader;
    m.header = h;
    push(std::move(m));
  };
  cb.on_claim = [&](const RawClaim& raw) {
    if (auto total = parse_amount_fen(raw.total)) valid_total = add_fen(valid_total, *total);
    Item item;
    Claim c;
    auto failure = check_claim(raw, header.hospital_code, header.feed_id, created.value_or(Date{9999, 12, 31}), c);
    if (failure) {
      RejectionRecord& r = item.rejection;
      r.position = raw.position;
      r.hospital_code = header.hospital_code;
      r.feed_id = header.feed_id;
      r.claim_id = raw.claim_id.size() > 64 ? raw.claim_id.substr(0, 64) : raw.claim_id;
      r.reason = failure->reason;
      r.detail = failure->detail;
    } else {
      item.claim = std::move(c);
    }
    batch.items.push_back(std::move(item));
    if (batch.items.size() >= kItemsPerMessage) {
      push(std::move(batch));
      batch = Message{};
    }
  };
  FeedParse parse;
  std::exception_ptr error;
  try {
    parse = read_feed(src, encoding, cb);
    if (!batch.items.empty()) push(std::move(batch));
  } catch (const Stopped&) {
    parse.ok = false;
    parse.code = "STOPPED";
  } catch (...) {
    error = std::current_exception();
  }
  std::lock_guard lk(mu_);
  parse_ = parse;
  valid_total_fen_ = valid_total;
  error_ = error;
  done_ = true;
  changed_.notify_all();
}

}  // namespace relief
