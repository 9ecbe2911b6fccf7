#pragma once
// SPEC 4.1's arithmetic over the channels, one claim at a time, against an
// in-memory view of the annual-cap ledger. Integer fen only.
#include <nlohmann/json.hpp>

#include <array>
#include <optional>
#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "channels/channel.hpp"

namespace relief {

// used[person, channel, year] for the persons a batch touches. A batch may
// touch hundreds of thousands of rows, so a row's key is kept compact: the
// identity number in place (no allocation), the channel as a small number.
class Ledger {
 public:
  using Key = std::tuple<std::string, std::string, int>;  // id_number, channel, year
  // The same key over borrowed strings: look-ups build no strings.
  using KeyView = std::tuple<std::string_view, std::string_view, int>;
  static constexpr std::size_t kIdBytesMax = 18;  // an identity number (SPEC 1)
  struct CompactKey {
    std::array<char, kIdBytesMax> id{};
    std::uint8_t id_bytes = 0;
    std::uint8_t channel = 0;  // index into the ledger's channel names
    std::int16_t year = 0;
    bool operator==(const CompactKey& o) const {
      return id_bytes == o.id_bytes && channel == o.channel && year == o.year &&
             std::equal(id.begin(), id.begin() + id_bytes, o.id.begin());
    }
  };
  struct CompactKeyHash {
    std::size_t operator()(const CompactKey& k) const noexcept;
  };
  struct Entry {
    std::int64_t used_fen = 0;    // now
    std::int64_t loaded_fen = 0;  // in the database before the batch (0: no row)
    std::int64_t cap_fen = 0;     // the largest cap applied this batch (0: nothing added)
  };
  using Entries = std::unordered_map<CompactKey, Entry, CompactKeyHash>;

  static KeyView view(const Key& k) { return {std::get<0>(k), std::get<1>(k), std::get<2>(k)}; }
  std::int64_t used(const KeyView& k) const;
  std::int64_t loaded(const KeyView& k) const;
  void load(const KeyView& k, std::int64_t used_fen);          // a row from the database
  // A row from the database, unless this key was loaded or added before (the
  // batch loads each chunk's persons; the database does not change meanwhile).
  void load_if_absent(const KeyView& k, std::int64_t used_fen);
  void add(const KeyView& k, std::int64_t amount_fen, std::int64_t cap_fen);
  // Every row seen this batch (unordered: write order does not matter); view() reads a key.
  const Entries& entries() const { return entries_; }
  KeyView view(const CompactKey& k) const;

 private:
  // The compact key; nullopt when the channel has no row here (looking up).
  std::optional<CompactKey> find_key(const KeyView& k) const;
  CompactKey make_key(const KeyView& k);  // interns the channel name
  Entry& entry(const KeyView& k);         // inserted (all 0) when absent
  std::vector<std::string> channels_;     // a handful: the channels seen
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
                       const Persons& registry, Ledger& ledger);

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
// "<format_fen(amount_fen)>": a JSON string that needs no escaping.
void append_quoted_fen(std::string& out, std::int64_t amount_fen);

}  // namespace relief
