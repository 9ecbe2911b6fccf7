// Welfare lottery "Timely Rain" care fund. Rules: local hukou or
// residence_months_min months in Guangzhou; hardship; an accident or a
// diagnosis in the named illness list.
#include "channels/rules.hpp"

namespace relief {

namespace {

struct LotteryParams : ChannelParams {
  std::int64_t residence_months_min = 0;
  bool hardship = false, accident_qualifies = false;
  std::string illness_list_name;
  IcdList illness_list;
};

class Lottery : public ChannelModule {
 public:
  std::string name() const override { return "lottery"; }
  std::shared_ptr<const ChannelParams> read_params(const ChannelVersion& v) const override {
    auto p = std::make_shared<LotteryParams>();
    p->residence_months_min = whole_number(v, "residence_months_min");
    p->hardship = true_or_false(v, "hardship");
    p->accident_qualifies = true_or_false(v, "accident_qualifies");
    p->illness_list = named_list(v, "illness_list", p->illness_list_name);
    return p;
  }
  std::vector<RuleVerdict> eligible(const ChannelVersion& v, const EligibilityInput& in) const override {
    const auto& params = params_of<LotteryParams>(v);
    std::vector<RuleVerdict> out;
    out.reserve(3);
    const Person& p = in.person;
    const std::int64_t months_min = params.residence_months_min;
    bool resident = p.hukou == Hukou::local || p.residence_months >= months_min;
    std::string detail = p.hukou == Hukou::local
                             ? "local hukou"
                             : "hukou nonlocal" + rules::person_label(p) + ", residence " +
                                   std::to_string(p.residence_months) + " months" +
                                   (resident ? "" : ", needs " + std::to_string(months_min));
    out.push_back({"residence", resident, std::move(detail)});
    if (params.hardship) out.push_back(rules::hardship(p));
    if (params.accident_qualifies && in.claim.accident) {
      out.push_back({"illness_or_accident", true, "a sudden accident"});
    } else {
      RuleVerdict d = rules::diagnosis_in(in.claim, params.illness_list, params.illness_list_name);
      d.rule = "illness_or_accident";
      if (!d.ok) d.detail += ", and not an accident";
      out.push_back(std::move(d));
    }
    return out;
  }
};
}  // namespace

std::unique_ptr<ChannelModule> make_lottery_channel() { return std::make_unique<Lottery>(); }

}  // namespace relief
