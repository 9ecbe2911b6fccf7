#pragma once
// SPEC 4.1's arithmetic over the channels, one claim at a time, against an
// in-memory view of the annual-cap ledger. Integer fen only.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "channels/channel.hpp"

namespace relief {

// used[person, channel, year] for the persons a batch touches.
class Ledger {
 public:
  using Key = std::tuple<std::string, std::string, int>;  // id_number, channel, year
  // The same key over borrowed strings: look-ups build no strings.
  using KeyView = std::tuple<std::string_view, std::string_view, int>;
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(const KeyView& k) const noexcept;
    std::size_t operator()(const Key& k) const noexcept { return (*this)(view(k)); }
  };
  struct KeyEqual {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const noexcept {
      return std::get<0>(a) == std::get<0>(b) && std::get<1>(a) == std::get<1>(b) && std::get<2>(a) == std::get<2>(b);
    }
  };
  struct Entry {
    std::int64_t used_fen = 0;    // now
    std::int64_t loaded_fen = 0;  // in the database before the batch (0: no row)
    std::int64_t cap_fen = 0;     // the largest cap applied this batch (0: nothing added)
  };
  using Entries = std::unordered_map<Key, Entry, KeyHash, KeyEqual>;

  static KeyView view(const Key& k) { return {std::get<0>(k), std::get<1>(k), std::get<2>(k)}; }
  std::int64_t used(const KeyView& k) const;
  std::int64_t loaded(const KeyView& k) const;
  void load(const KeyView& k, std::int64_t used_fen);          // a row from the database
  // A row from the database, unless this key was loaded or added before (the
  // batch loads each chunk's persons; the database does not change meanwhile).
  void load_if_absent(const KeyView& k, std::int64_t used_fen);
  void add(const KeyView& k, std::int64_t amount_fen, std::int64_t cap_fen);
  // Every row seen this batch (unordered: write order does not matter).
  const Entries& entries() const { return entries_; }

 private:
  Entry& entry(const KeyView& k);  // inserted (all 0) when absent
  Entries entries_;
};

struct ChannelOutcome {
  std::string channel;
  bool in_force = false;
  std::string version;  // effective_from of the version used
  std::vector<RuleVerdict> rules;
  bool eligible = false;
  std::int64_t remaining_fen = 0, base_fen = 0, ratio_bp = 0, computed_fen = 0, cap_fen = 0, used_before_fen = 0,
               amount_fen = 0;
  bool special_cap = false;
  std::string note;  // why the amount is what it is
};

struct ClaimResult {
  std::int64_t burden_fen = 0;
  std::int64_t total_paid_fen = 0;
  std::vector<ChannelOutcome> channels;  // in payment order
};

ClaimResult adjudicate(const ChannelSet& channels, const Claim& claim, const Person& person, const Hospital& hospital,
                       const std::map<std::string, Person>& registry, Ledger& ledger);

// The trace as stored and written in results.jsonl (deterministic key order).
nlohmann::json trace_json(const ClaimResult& r);
// The same, serialised directly: byte for byte trace_json(r).dump(), without
// building the JSON tree (the batch's hot path; a test pins the equality).
std::string trace_text(const ClaimResult& r);
// trace_text(r) appended to `out`.
void append_trace_text(std::string& out, const ClaimResult& r);
// {"<channel>":"<amount>",...} with the channels in name order, as dump() writes it.
std::string paid_text(const ClaimResult& r);
// A JSON string literal as nlohmann's dump() writes it (UTF-8 kept).
void append_json_string(std::string& out, std::string_view s);

}  // namespace relief
