// Children's serious illness programme. Rules: age at admission <= age_max;
// lives with the parents; some parent in the registry works in Guangzhou with
// parent_residence_months_min months of residence; a diagnosis in the named
// list; hardship.
#include "channels/rules.hpp"

namespace relief {

namespace {
class Children : public ChannelModule {
 public:
  std::string name() const override { return "children"; }
  void check(const ChannelVersion& v) const override {
    for (const char* f : {"age_max", "parent_residence_months_min"}) {
      const auto& m = require_field(v, f);
      if (!m.is_number_integer() || m.get<int>() < 0)
        throw ConfigError(v.file + ": rules." + f + ": must be a whole number >= 0");
    }
    if (!require_field(v, "hardship").is_boolean()) throw ConfigError(v.file + ": rules.hardship: must be true or false");
    const auto& l = require_field(v, "illness_list");
    if (!l.is_string()) throw ConfigError(v.file + ": rules.illness_list: must name a list");
    require_list(v, l.get<std::string>());
  }
  std::vector<RuleVerdict> eligible(const ChannelVersion& v, const EligibilityInput& in) const override {
    std::vector<RuleVerdict> out;
    const Person& p = in.person;
    int age_max = v.rules.at("age_max").get<int>();
    int age = age_in_years(in.claim.birth_date, in.claim.admission_date);
    out.push_back({"age", age <= age_max,
                   "age " + std::to_string(age) + " on admission " + in.claim.admission_date.iso() +
                       (age <= age_max ? "" : ", needs " + std::to_string(age_max) + " or less")});
    out.push_back({"lives_with_parents", p.lives_with_parents,
                   p.lives_with_parents ? "lives with the parents in Guangzhou"
                                        : "does not live with the parents in Guangzhou" + rules::person_label(p)});
    std::int64_t months_min = v.rules.at("parent_residence_months_min").get<std::int64_t>();
    RuleVerdict parent{"parent_works_in_gz", false, ""};
    for (const auto& id : p.parents) {
      auto it = in.registry.find(id);
      if (it == in.registry.end()) continue;
      const Person& q = it->second;
      if (q.works_in_gz && q.residence_months >= months_min) {
        parent.ok = true;
        parent.detail = "a parent works in Guangzhou with " + std::to_string(q.residence_months) + " months of residence";
        break;
      }
    }
    if (!parent.ok)
      parent.detail = p.parents.empty() ? "no parent in the registry"
                                        : "no parent in the registry works in Guangzhou with " +
                                              std::to_string(months_min) + " months of residence";
    out.push_back(parent);
    std::string list_name = v.rules.at("illness_list").get<std::string>();
    out.push_back(rules::diagnosis_in(in.claim, require_list(v, list_name), list_name));
    if (v.rules.at("hardship").get<bool>()) out.push_back(rules::hardship(p));
    return out;
  }
};
}  // namespace

std::unique_ptr<ChannelModule> make_children_channel() { return std::make_unique<Children>(); }

}  // namespace relief
