// Children's serious illness programme. Rules: age at admission <= age_max;
// lives with the parents; some parent in the registry works in Guangzhou with
// parent_residence_months_min months of residence; a diagnosis in the named
// list; hardship.
#include "channels/rules.hpp"

namespace relief {

namespace {

struct ChildrenParams : ChannelParams {
  std::int64_t age_max = 0, parent_residence_months_min = 0;
  bool hardship = false;
  std::string illness_list_name;
  IcdList illness_list;
};

class Children : public ChannelModule {
 public:
  std::string name() const override { return "children"; }
  std::shared_ptr<const ChannelParams> read_params(const ChannelVersion& v) const override {
    auto p = std::make_shared<ChildrenParams>();
    p->age_max = whole_number(v, "age_max");
    p->parent_residence_months_min = whole_number(v, "parent_residence_months_min");
    p->hardship = true_or_false(v, "hardship");
    p->illness_list = named_list(v, "illness_list", p->illness_list_name);
    return p;
  }
  std::vector<RuleVerdict> eligible(const ChannelVersion& v, const EligibilityInput& in) const override {
    const auto& params = params_of<ChildrenParams>(v);
    std::vector<RuleVerdict> out;
    out.reserve(5);
    const Person& p = in.person;
    std::int64_t age = age_in_years(in.claim.birth_date, in.claim.admission_date);
    out.push_back({"age", age <= params.age_max,
                   "age " + std::to_string(age) + " on admission " + in.claim.admission_date.iso() +
                       (age <= params.age_max ? "" : ", needs " + std::to_string(params.age_max) + " or less")});
    out.push_back({"lives_with_parents", p.lives_with_parents,
                   p.lives_with_parents ? "lives with the parents in Guangzhou"
                                        : "does not live with the parents in Guangzhou" + rules::person_label(p)});
    const std::int64_t months_min = params.parent_residence_months_min;
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
    out.push_back(std::move(parent));
    out.push_back(rules::diagnosis_in(in.claim, params.illness_list, params.illness_list_name));
    if (params.hardship) out.push_back(rules::hardship(p));
    return out;
  }
};
}  // namespace

std::unique_ptr<ChannelModule> make_children_channel() { return std::make_unique<Children>(); }

}  // namespace relief
