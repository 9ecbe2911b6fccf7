#pragma once
// What every relief channel is: dated parameter versions (data files beside
// its module) and an eligibility function over them. The arithmetic is
// shared and lives in src/engine.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "src/core/date.hpp"
#include "src/core/icd.hpp"
#include "src/core/model.hpp"

namespace relief {

struct FundingSource {
  std::string name;
  std::string account;
  std::string bank_code;  // CNAPS
};

enum class BaseKind { in_scope, remaining };

// A module's own parameters, read once from a version's `rules` object when
// the channel set loads (never per claim). Each module derives its struct.
struct ChannelParams {
  virtual ~ChannelParams() = default;
};

struct ChannelVersion {
  std::string channel;
  std::string file;  // where it was read from, for messages and traces
  Date effective_from;
  BaseKind base = BaseKind::remaining;
  std::int64_t ratio_bp = 0;
  std::int64_t annual_cap_fen = 0;
  std::optional<std::int64_t> special_cap_fen;
  std::int64_t min_grant_fen = 0;
  int payment_order = 0;
  FundingSource fund;
  nlohmann::json rules;                 // the channel module's own parameters, as written
  std::shared_ptr<const ChannelParams> params;  // the same, read by the module (read_params)
  std::map<std::string, IcdList> lists; // named illness lists
};

struct RuleVerdict {
  std::string_view rule;  // short name, e.g. "residence": a literal (static storage), not copied per claim
  bool ok = false;
  std::string detail;  // for a person: "residence 5 months, needs 6"
};

struct EligibilityInput {
  const Claim& claim;
  const Person& person;
  const Hospital& hospital;
  const Persons& registry;  // for parents
};

// A configuration error: names the file and the field.
struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class ChannelModule {
 public:
  virtual ~ChannelModule() = default;
  virtual std::string name() const = 0;
  // The version's rules read into the module's parameters. Throws
  // ConfigError naming the file and field when one is missing or malformed.
  virtual std::shared_ptr<const ChannelParams> read_params(const ChannelVersion& v) const = 0;
  // Every rule with its verdict; eligible when all hold. `v.params` is what
  // this module's read_params returned.
  virtual std::vector<RuleVerdict> eligible(const ChannelVersion& v, const EligibilityInput& in) const = 0;
};

// The parameters a module read for version v (its own type P).
template <typename P>
const P& params_of(const ChannelVersion& v) {
  const auto* p = dynamic_cast<const P*>(v.params.get());
  if (!p) throw std::logic_error(v.file + ": parameters not read by the channel's own module");
  return *p;
}

// The registered channel modules (one line each in channels/registry.cpp).
const std::vector<std::unique_ptr<ChannelModule>>& channel_modules();

// A loaded, checked set of channels: versions sorted by effective date and
// the channels in payment order.
class ChannelSet {
 public:
  // Reads DIR/<channel>/*.json for every registered module.
  static ChannelSet load(const std::string& dir);
  struct Entry {
    const ChannelModule* module = nullptr;
    std::vector<ChannelVersion> versions;  // ascending effective_from
    const ChannelVersion* in_force(const Date& d) const;
    // The version whose fund pays on `d` (in force then, else the first).
    const ChannelVersion& fund_version(const Date& d) const;
  };
  const std::vector<Entry>& in_payment_order() const { return entries_; }
  const Entry* find(const std::string& name) const;
  std::string dir;

 private:
  std::vector<Entry> entries_;
};

// Helpers for modules reading their `rules` object (read_params). Each throws
// ConfigError naming the file and field.
const nlohmann::json& require_field(const ChannelVersion& v, const char* field);
std::vector<std::string> string_list(const ChannelVersion& v, const char* field);
std::int64_t whole_number(const ChannelVersion& v, const char* field);  // >= 0
bool true_or_false(const ChannelVersion& v, const char* field);
const IcdList& require_list(const ChannelVersion& v, const std::string& name);
// rules.<field> names a list of `lists`: that list, with its name.
const IcdList& named_list(const ChannelVersion& v, const char* field, std::string& name);

}  // namespace relief
