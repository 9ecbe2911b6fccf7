// Welfare lottery "Timely Rain" care fund. Rules: local hukou or
// residence_months_min months in Guangzhou; hardship; an accident or a
// diagnosis in the named illness list.
#include "channels/rules.hpp"

namespace relief {

namespace {
class Lottery : public ChannelModule {
 public:
  std::string name() const override { return "lottery"; }
  void check(const ChannelVersion& v) const override {
    const auto& m = require_field(v, "residence_months_min");
    if (!m.is_number_integer() || m.get<int>() < 0)
      throw ConfigError(v.file + ": rules.residence_months_min: must be a whole number >= 0");
    if (!require_field(v, "hardship").is_boolean()) throw ConfigError(v.file + ": rules.hardship: must be true or false");
    if (!require_field(v, "accident_qualifies").is_boolean())
      throw ConfigError(v.file + ": rules.accident_qualifies: must be true or false");
    const auto& l = require_field(v, "illness_list");
    if (!l.is_string()) throw ConfigError(v.file + ": rules.illness_list: must name a list");
    require_list(v, l.get<std::string>());
  }
  std::vector<RuleVerdict> eligible(const ChannelVersion& v, const EligibilityInput& in) const override {
    std::vector<RuleVerdict> out;
    const Person& p = in.person;
    std::int64_t months_min = v.rules.at("residence_months_min").get<std::int64_t>();
    bool resident = p.hukou == Hukou::local || p.residence_months >= months_min;
    std::string detail = p.hukou == Hukou::local
                             ? "local hukou"
                             : "hukou nonlocal" + rules::person_label(p) + ", residence " +
                                   std::to_string(p.residence_months) + " months" +
                                   (resident ? "" : ", needs " + std::to_string(months_min));
    out.push_back({"residence", resident, detail});
    if (v.rules.at("hardship").get<bool>()) out.push_back(rules::hardship(p));
    std::string list_name = v.rules.at("illness_list").get<std::string>();
    bool accident_ok = v.rules.at("accident_qualifies").get<bool>() && in.claim.accident;
    if (accident_ok) {
      out.push_back({"illness_or_accident", true, "a sudden accident"});
    } else {
      RuleVerdict d = rules::diagnosis_in(in.claim, require_list(v, list_name), list_name);
      d.rule = "illness_or_accident";
      if (!d.ok) d.detail += ", and not an accident";
      out.push_back(d);
    }
    return out;
  }
};
}  // namespace

std::unique_ptr<ChannelModule> make_lottery_channel() { return std::make_unique<Lottery>(); }

}  // namespace relief
