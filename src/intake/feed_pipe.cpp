#include "src/intake/feed_pipe.hpp"

#include "src/core/money.hpp"
#include "src/intake/checks.hpp"

namespace relief {

namespace {
struct Stopped {};  // thrown inside the parse to end it early
}  // namespace

FeedPipe::FeedPipe(const FeedSource& src, std::int64_t feed_bytes_max)
    : reader_(&FeedPipe::read, this, src, feed_bytes_max) {}

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

const GuardResult& FeedPipe::guard() {
  std::unique_lock lk(mu_);
  changed_.wait(lk, [&] { return guarded_ || done_; });
  if (!guarded_) std::rethrow_exception(error_);
  return guard_;
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

void FeedPipe::read(FeedSource src, std::int64_t feed_bytes_max) {
  // The buffer (if any) outlives the pipe: the caller holds it until the pipe is destroyed.
  GuardResult g;
  std::exception_ptr error;
  try {
    g = guard_feed(src, feed_bytes_max);
  } catch (...) {
    error = std::current_exception();
  }
  {
    std::lock_guard lk(mu_);
    guard_ = g;
    guarded_ = !error;
    error_ = error;
    done_ = error || !g.ok;  // refused bytes: nothing to parse
    changed_.notify_all();
    if (done_) return;
  }
  {
    std::lock_guard lk(mu_);
    if (stop_) {  // the database thread will not take these bytes (same bytes as a feed before)
      parse_.code = "STOPPED";
      done_ = true;
      changed_.notify_all();
      return;
    }
  }
  parse_feed(src, g.encoding);
}

void FeedPipe::parse_feed(const FeedSource& src, const std::string& encoding) {
  RawHeader header;
  std::optional<Date> created;
  Message batch;
  batch.items.reserve(kItemsPerMessage);
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
      batch.items.reserve(kItemsPerMessage);
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
