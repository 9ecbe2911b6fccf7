#include <algorithm>
#include <filesystem>
#include <set>

#include "channels/channel.hpp"
#include "src/core/limits.hpp"
#include "src/core/money.hpp"
#include "src/util/files.hpp"

namespace relief {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

[[noreturn]] void fail(const std::string& file, const std::string& field, const std::string& why) {
  throw ConfigError(file + ": " + field + ": " + why);
}

const json& field(const json& j, const std::string& file, const char* name) {
  if (!j.is_object() || !j.contains(name)) fail(file, name, "missing");
  return j.at(name);
}

std::string text(const json& j, const std::string& file, const char* name) {
  const json& v = field(j, file, name);
  if (!v.is_string() || v.get<std::string>().empty()) fail(file, name, "must be a non-empty string");
  return v.get<std::string>();
}

std::int64_t amount(const json& j, const std::string& file, const char* name) {
  std::string s = text(j, file, name);
  auto v = parse_amount_fen(s);
  if (!v) fail(file, name, "'" + s + "' is not an amount like 1234.50");
  return *v;
}

ChannelVersion parse_version(const std::string& channel, const std::string& file) {
  json j;
  try {
    j = json::parse(read_file_limited(file, limits::param_file_bytes_max));
  } catch (const json::parse_error& e) {
    fail(file, "(file)", std::string("not valid JSON: ") + e.what());
  } catch (const IoError& e) {
    fail(file, "(file)", e.what());
  }
  ChannelVersion v;
  v.file = file;
  v.channel = text(j, file, "channel");
  if (v.channel != channel) fail(file, "channel", "says '" + v.channel + "' but the file is in " + channel + "/");
  std::string from = text(j, file, "effective_from");
  auto d = parse_date(from);
  if (!d) fail(file, "effective_from", "'" + from + "' is not a date YYYY-MM-DD");
  v.effective_from = *d;
  if (fs::path(file).stem().string() != from)
    fail(file, "effective_from", "the file name must be the effective date (" + from + ".json)");
  std::string base = text(j, file, "base");
  if (base == "in_scope") v.base = BaseKind::in_scope;
  else if (base == "remaining") v.base = BaseKind::remaining;
  else fail(file, "base", "'" + base + "' is not in_scope or remaining");
  const json& ratio = field(j, file, "ratio_bp");
  if (!ratio.is_number_integer() || ratio.get<std::int64_t>() < 0 || ratio.get<std::int64_t>() > 10000)
    fail(file, "ratio_bp", "must be a whole number of basis points from 0 to 10000");
  v.ratio_bp = ratio.get<std::int64_t>();
  v.annual_cap_fen = amount(j, file, "annual_cap");
  if (j.contains("special_cap") && !j.at("special_cap").is_null()) {
    v.special_cap_fen = amount(j, file, "special_cap");
    if (*v.special_cap_fen < v.annual_cap_fen) fail(file, "special_cap", "is below annual_cap");
  }
  v.min_grant_fen = amount(j, file, "min_grant");
  if (v.min_grant_fen > v.annual_cap_fen) fail(file, "min_grant", "is above annual_cap");
  const json& order = field(j, file, "payment_order");
  if (!order.is_number_integer() || order.get<int>() < 1 || order.get<int>() > 99)
    fail(file, "payment_order", "must be a whole number from 1 to 99");
  v.payment_order = order.get<int>();
  const json& fund = field(j, file, "funding_source");
  v.fund.name = text(fund, file + " funding_source", "name");
  v.fund.account = text(fund, file + " funding_source", "account");
  v.fund.bank_code = text(fund, file + " funding_source", "bank_code");
  if (v.fund.account.size() < 8 || v.fund.account.size() > 32 ||
      v.fund.account.find_first_not_of("0123456789") != std::string::npos)
    fail(file, "funding_source.account", "must be 8-32 digits");
  if (v.fund.bank_code.size() != 12 || v.fund.bank_code.find_first_not_of("0123456789") != std::string::npos)
    fail(file, "funding_source.bank_code", "must be a 12-digit CNAPS code");
  v.rules = field(j, file, "rules");
  if (!v.rules.is_object()) fail(file, "rules", "must be an object");
  if (j.contains("lists")) {
    const json& lists = j.at("lists");
    if (!lists.is_object()) fail(file, "lists", "must be an object of code lists");
    for (auto it = lists.begin(); it != lists.end(); ++it) {
      if (!it.value().is_array()) fail(file, "lists." + it.key(), "must be an array of codes");
      std::vector<std::string> codes;
      for (const auto& c : it.value()) {
        if (!c.is_string()) fail(file, "lists." + it.key(), "must hold strings");
        codes.push_back(c.get<std::string>());
      }
      IcdList list;
      if (auto err = IcdList::parse(codes, list)) fail(file, "lists." + it.key(), *err);
      v.lists[it.key()] = std::move(list);
    }
  }
  if (!j.contains("sources") || !j.at("sources").is_object() || j.at("sources").empty())
    fail(file, "sources", "every figure needs a note of its source");
  return v;
}

}  // namespace

const ChannelVersion* ChannelSet::Entry::in_force(const Date& d) const {
  const ChannelVersion* found = nullptr;
  for (const auto& v : versions)
    if (v.effective_from <= d) found = &v;
  return found;
}

const ChannelVersion& ChannelSet::Entry::fund_version(const Date& d) const {
  const ChannelVersion* v = in_force(d);
  return v ? *v : versions.front();
}

const ChannelSet::Entry* ChannelSet::find(const std::string& name) const {
  for (const auto& e : entries_)
    if (e.module->name() == name) return &e;
  return nullptr;
}

ChannelSet ChannelSet::load(const std::string& dir) {
  ChannelSet set;
  set.dir = dir;
  if (!fs::is_directory(dir)) throw ConfigError(dir + ": channel folder not found");
  std::set<int> orders;
  for (const auto& module : channel_modules()) {
    Entry e;
    e.module = module.get();
    fs::path cdir = fs::path(dir) / module->name();
    if (!fs::is_directory(cdir)) throw ConfigError(cdir.string() + ": missing folder for channel " + module->name());
    std::vector<std::string> files;
    for (const auto& f : fs::directory_iterator(cdir))
      if (f.path().extension() == ".json") files.push_back(f.path().string());
    if (files.empty()) throw ConfigError(cdir.string() + ": no parameter file (YYYY-MM-DD.json)");
    if (static_cast<std::int64_t>(files.size()) > limits::channel_files_max)
      throw ConfigError(cdir.string() + ": too many parameter files");
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      ChannelVersion v = parse_version(module->name(), f);
      v.params = module->read_params(v);
      if (!e.versions.empty() && v.payment_order != e.versions.front().payment_order)
        fail(f, "payment_order", "differs from the channel's other versions");
      e.versions.push_back(std::move(v));
    }
    if (!orders.insert(e.versions.front().payment_order).second)
      fail(e.versions.front().file, "payment_order", "is the same as another channel's");
    set.entries_.push_back(std::move(e));
  }
  std::sort(set.entries_.begin(), set.entries_.end(), [](const Entry& a, const Entry& b) {
    return a.versions.front().payment_order < b.versions.front().payment_order;
  });
  return set;
}

const json& require_field(const ChannelVersion& v, const char* name) {
  if (!v.rules.contains(name)) fail(v.file, std::string("rules.") + name, "missing");
  return v.rules.at(name);
}

std::vector<std::string> string_list(const ChannelVersion& v, const char* name) {
  const json& j = require_field(v, name);
  if (!j.is_array()) fail(v.file, std::string("rules.") + name, "must be an array of strings");
  std::vector<std::string> out;
  for (const auto& s : j) {
    if (!s.is_string()) fail(v.file, std::string("rules.") + name, "must be an array of strings");
    out.push_back(s.get<std::string>());
  }
  return out;
}

std::int64_t whole_number(const ChannelVersion& v, const char* name) {
  const json& m = require_field(v, name);
  if (!m.is_number_integer() || m.get<std::int64_t>() < 0)
    fail(v.file, std::string("rules.") + name, "must be a whole number >= 0");
  return m.get<std::int64_t>();
}

bool true_or_false(const ChannelVersion& v, const char* name) {
  const json& b = require_field(v, name);
  if (!b.is_boolean()) fail(v.file, std::string("rules.") + name, "must be true or false");
  return b.get<bool>();
}

const IcdList& named_list(const ChannelVersion& v, const char* field, std::string& name) {
  const json& l = require_field(v, field);
  if (!l.is_string()) fail(v.file, std::string("rules.") + field, "must name a list");
  name = l.get<std::string>();
  return require_list(v, name);
}

const IcdList& require_list(const ChannelVersion& v, const std::string& name) {
  auto it = v.lists.find(name);
  if (it == v.lists.end()) fail(v.file, "lists." + name, "missing");
  return it->second;
}

}  // namespace relief
