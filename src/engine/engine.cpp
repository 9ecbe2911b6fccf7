#include "src/engine/engine.hpp"

#include <cstring>

#include <algorithm>
#include <cassert>
#include <cstdlib>
#include <stdexcept>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "src/core/money.hpp"

namespace relief {

std::size_t Ledger::CompactKeyHash::operator()(const CompactKey& k) const noexcept {
  std::size_t h = std::hash<std::string_view>{}(std::string_view(k.id.data(), k.id_bytes));
  h = h * 31 + k.channel;
  return h * 31 + static_cast<std::size_t>(k.year);
}

std::optional<Ledger::CompactKey> Ledger::find_key(const KeyView& k) const {
  const std::string_view id = std::get<0>(k), channel = std::get<1>(k);
  if (id.size() > kIdBytesMax) throw std::length_error("ledger: identity number longer than 18 characters");
  auto it = std::find(channels_.begin(), channels_.end(), channel);
  if (it == channels_.end()) return std::nullopt;
  CompactKey key;
  std::copy(id.begin(), id.end(), key.id.begin());
  key.id_bytes = static_cast<std::uint8_t>(id.size());
  key.channel = static_cast<std::uint8_t>(it - channels_.begin());
  key.year = static_cast<std::int16_t>(std::get<2>(k));
  if (key.year != std::get<2>(k)) throw std::out_of_range("ledger: year out of range");
  return key;
}

Ledger::CompactKey Ledger::make_key(const KeyView& k) {
  const std::string_view channel = std::get<1>(k);
  if (std::find(channels_.begin(), channels_.end(), channel) == channels_.end()) {
    if (channels_.size() >= 255) throw std::length_error("ledger: more than 255 channels");
    channels_.emplace_back(channel);
  }
  return *find_key(k);
}

Ledger::KeyView Ledger::view(const CompactKey& k) const {
  assert(k.channel < channels_.size());
  return {std::string_view(k.id.data(), k.id_bytes), channels_[k.channel], k.year};
}

Ledger::Entry& Ledger::entry(const KeyView& k) { return entries_[make_key(k)]; }

std::int64_t Ledger::used(const KeyView& k) const {
  auto key = find_key(k);
  if (!key) return 0;
  auto it = entries_.find(*key);
  return it == entries_.end() ? 0 : it->second.used_fen;
}

std::int64_t Ledger::loaded(const KeyView& k) const {
  auto key = find_key(k);
  if (!key) return 0;
  auto it = entries_.find(*key);
  return it == entries_.end() ? 0 : it->second.loaded_fen;
}

void Ledger::load(const KeyView& k, std::int64_t used_fen) {
  assert(used_fen >= 0);
  Entry& e = entry(k);
  e.used_fen = used_fen;
  e.loaded_fen = used_fen;
}

void Ledger::load_if_absent(const KeyView& k, std::int64_t used_fen) {
  assert(used_fen >= 0);
  auto [it, inserted] = entries_.try_emplace(make_key(k));
  if (!inserted) return;
  it->second.used_fen = used_fen;
  it->second.loaded_fen = used_fen;
}

void Ledger::add(const KeyView& k, std::int64_t amount_fen, std::int64_t cap_fen) {
  assert(amount_fen >= 0);
  Entry& e = entry(k);  // a new key had no row: loaded 0
  e.used_fen = add_fen(e.used_fen, amount_fen);
  e.cap_fen = std::max(e.cap_fen, cap_fen);
  // Invariant: used never exceeds the cap that applied.
  if (e.used_fen > cap_fen) std::abort();
}

ClaimResult adjudicate(const ChannelSet& channels, const Claim& claim, const Person& person, const Hospital& hospital,
                       const Persons& registry, Ledger& ledger) {
  ClaimResult r;
  r.channels.reserve(channels.in_payment_order().size());
  r.burden_fen = add_fen(claim.in_scope_fen, claim.out_of_scope_fen);
  std::int64_t paid = 0;
  int year = claim.discharge_date.year;
  EligibilityInput in{claim, person, hospital, registry};
  for (const auto& entry : channels.in_payment_order()) {
    ChannelOutcome o;
    o.channel = entry.module->name();
    const ChannelVersion* v = entry.in_force(claim.discharge_date);
    if (!v) {
      o.note = "not in force on " + claim.discharge_date.iso();
      r.channels.push_back(std::move(o));
      continue;
    }
    o.in_force = true;
    o.version = v->effective_from.iso();
    o.rules = entry.module->eligible(*v, in);
    o.eligible = std::all_of(o.rules.begin(), o.rules.end(), [](const RuleVerdict& rv) { return rv.ok; });
    if (!o.eligible) {
      o.note = "not eligible";
      r.channels.push_back(std::move(o));
      continue;
    }
    o.remaining_fen = sub_fen(r.burden_fen, paid);
    o.base_fen = v->base == BaseKind::in_scope ? std::min(claim.in_scope_fen, o.remaining_fen) : o.remaining_fen;
    o.ratio_bp = v->ratio_bp;
    o.computed_fen = apply_ratio_fen(o.base_fen, v->ratio_bp);
    o.special_cap = !claim.special_approval.empty() && v->special_cap_fen.has_value();
    o.cap_fen = o.special_cap ? *v->special_cap_fen : v->annual_cap_fen;
    const Ledger::KeyView key{claim.patient_id, o.channel, year};
    o.used_before_fen = ledger.used(key);
    std::int64_t room = std::max<std::int64_t>(0, o.cap_fen - o.used_before_fen);
    o.amount_fen = std::min(o.computed_fen, room);
    if (o.amount_fen < o.computed_fen) o.note = "cut to the cap: " + format_fen(room) + " left of " + format_fen(o.cap_fen);
    if (o.amount_fen < v->min_grant_fen) {
      if (o.amount_fen > 0 || o.computed_fen > 0)
        o.note = format_fen(o.amount_fen) + " is below the minimum grant " + format_fen(v->min_grant_fen);
      o.amount_fen = 0;
    }
    if (o.amount_fen > 0) ledger.add(key, o.amount_fen, o.cap_fen);
    paid = add_fen(paid, o.amount_fen);
    r.channels.push_back(std::move(o));
  }
  r.total_paid_fen = paid;
  // Invariant: a claim is never paid more than its burden.
  if (r.total_paid_fen > r.burden_fen || r.total_paid_fen < 0) std::abort();
  return r;
}

nlohmann::json trace_json(const ClaimResult& r) {
  nlohmann::json t = nlohmann::json::object();
  for (const auto& o : r.channels) {
    nlohmann::json c;
    c["in_force"] = o.in_force;
    if (!o.in_force) {
      c["note"] = o.note;
      c["amount"] = format_fen(0);
      t[o.channel] = c;
      continue;
    }
    c["version"] = o.version;
    nlohmann::json rules = nlohmann::json::array();
    for (const auto& rv : o.rules) rules.push_back({{"rule", rv.rule}, {"ok", rv.ok}, {"detail", rv.detail}});
    c["rules"] = rules;
    c["eligible"] = o.eligible;
    if (o.eligible) {
      c["remaining"] = format_fen(o.remaining_fen);
      c["base"] = format_fen(o.base_fen);
      c["ratio_bp"] = o.ratio_bp;
      c["computed"] = format_fen(o.computed_fen);
      c["cap"] = format_fen(o.cap_fen);
      c["special_cap"] = o.special_cap;
      c["used_before"] = format_fen(o.used_before_fen);
    }
    c["amount"] = format_fen(o.amount_fen);
    if (!o.note.empty()) c["note"] = o.note;
    t[o.channel] = c;
  }
  return t;
}

namespace {

// Where the first byte of s[from, size) that JSON must escape is (a control
// character, '"' or '\\'), or s.size(). Sixteen bytes at a time with SSE2
// (every x86-64 has it): the trace's texts are long and seldom escaped.
std::size_t next_to_escape(std::string_view s, std::size_t from) {
  std::size_t i = from;
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
  const __m128i flip = _mm_set1_epi8(static_cast<char>(0x80)), below_space = _mm_set1_epi8(static_cast<char>(0x20 ^ 0x80));
  for (; i + 16 <= s.size(); i += 16) {
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    // Unsigned b < 0x20 as a signed compare after flipping the top bit.
    const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(b, quote), _mm_cmpeq_epi8(b, backslash)),
                                     _mm_cmplt_epi8(_mm_xor_si128(b, flip), below_space));
    if (const int mask = _mm_movemask_epi8(hit)) return i + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
  }
#endif
  for (; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == '"' || c == '\\') return i;
  }
  return s.size();
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::size_t i = next_to_escape(s, 0);
  if (i == s.size()) {
    // Nothing to escape (nearly every string): quotes and text in one step.
    const std::size_t at = out.size();
    out.resize(at + s.size() + 2);
    char* p = out.data() + at;
    p[0] = '"';
    std::memcpy(p + 1, s.data(), s.size());
    p[s.size() + 1] = '"';
    return;
  }
  out += '"';
  std::size_t run = 0;  // start of the pending run of characters copied as they are
  for (; i < s.size(); i = next_to_escape(s, run)) {
    const auto c = static_cast<unsigned char>(s[i]);
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

void append_quoted_fen(std::string& out, std::int64_t amount_fen) {
  out += '"';
  append_fen(out, amount_fen);
  out += '"';
}

namespace {

void channel_text(std::string& out, const ChannelOutcome& o) {
  // Keys in sorted order, as a std::map-backed JSON object dumps them; each
  // written with its comma and colon in one append ("amount" is always first).
  out += "{\"amount\":";
  if (!o.in_force) {
    append_quoted_fen(out, 0);
    out += ",\"in_force\":false,\"note\":";
    append_json_string(out, o.note);
    out += '}';
    return;
  }
  append_quoted_fen(out, o.amount_fen);
  if (o.eligible) {
    out += ",\"base\":";
    append_quoted_fen(out, o.base_fen);
    out += ",\"cap\":";
    append_quoted_fen(out, o.cap_fen);
    out += ",\"computed\":";
    append_quoted_fen(out, o.computed_fen);
  }
  out += o.eligible ? ",\"eligible\":true,\"in_force\":true" : ",\"eligible\":false,\"in_force\":true";
  if (!o.note.empty()) {
    out += ",\"note\":";
    append_json_string(out, o.note);
  }
  if (o.eligible) {
    out += ",\"ratio_bp\":";
    out += std::to_string(o.ratio_bp);
    out += ",\"remaining\":";
    append_quoted_fen(out, o.remaining_fen);
  }
  out += ",\"rules\":[";
  for (std::size_t i = 0; i < o.rules.size(); ++i) {
    out += i ? ",{\"detail\":" : "{\"detail\":";
    append_json_string(out, o.rules[i].detail);
    out += o.rules[i].ok ? ",\"ok\":true,\"rule\":" : ",\"ok\":false,\"rule\":";
    append_json_string(out, o.rules[i].rule);
    out += '}';
  }
  out += ']';
  if (o.eligible) {
    out += o.special_cap ? ",\"special_cap\":true,\"used_before\":" : ",\"special_cap\":false,\"used_before\":";
    append_quoted_fen(out, o.used_before_fen);
  }
  out += ",\"version\":";
  append_json_string(out, o.version);
  out += '}';
}

}  // namespace

namespace {
// Appends {"<channel>":<value>,...} with the channels in name order; `value` appends one channel's JSON.
template <typename Value>
void append_by_channel_object(std::string& out, const ClaimResult& r, Value value) {
  // Sorted by name by insertion: a handful of channels, on the stack.
  constexpr std::size_t kOnStack = 8;
  std::array<const ChannelOutcome*, kOnStack> small{};
  std::vector<const ChannelOutcome*> large;
  const ChannelOutcome** sorted = small.data();
  if (r.channels.size() > kOnStack) {
    large.resize(r.channels.size());
    sorted = large.data();
  }
  std::size_t n = 0;
  for (const auto& o : r.channels) {
    std::size_t k = n++;
    for (; k > 0 && o.channel < sorted[k - 1]->channel; --k) sorted[k] = sorted[k - 1];
    sorted[k] = &o;
  }
  out += '{';
  for (std::size_t i = 0; i < n; ++i) {
    if (i) out += ',';
    append_json_string(out, sorted[i]->channel);
    out += ':';
    value(out, *sorted[i]);
  }
  out += '}';
}
}  // namespace

void append_trace_text(std::string& out, const ClaimResult& r) {
  append_by_channel_object(out, r, [](std::string& o_, const ChannelOutcome& o) { channel_text(o_, o); });
}

std::string trace_text(const ClaimResult& r) {
  std::string out;
  out.reserve(2048);
  append_trace_text(out, r);
  return out;
}

std::string paid_text(const ClaimResult& r) {
  std::string out;
  out.reserve(128);
  append_by_channel_object(out, r, [](std::string& o_, const ChannelOutcome& o) {
    append_quoted_fen(o_, o.amount_fen);
  });
  return out;
}

}  // namespace relief
