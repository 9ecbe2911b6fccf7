// Charity association medical aid. Rules: hukou_in, and either a student of
// student_in or employed in Guangzhou with pension_months_min months of pension.
#include "channels/rules.hpp"

namespace relief {

namespace {

struct CharityParams : ChannelParams {
  std::vector<std::string> hukou_in, student_in;
  std::int64_t pension_months_min = 0;
};

class Charity : public ChannelModule {
 public:
  std::string name() const override { return "charity"; }
  std::shared_ptr<const ChannelParams> read_params(const ChannelVersion& v) const override {
    auto p = std::make_shared<CharityParams>();
    p->hukou_in = string_list(v, "hukou_in");
    p->student_in = string_list(v, "student_in");
    p->pension_months_min = whole_number(v, "pension_months_min");
    return p;
  }
  std::vector<RuleVerdict> eligible(const ChannelVersion& v, const EligibilityInput& in) const override {
    const auto& params = params_of<CharityParams>(v);
    std::vector<RuleVerdict> out;
    out.reserve(2);
    const Person& p = in.person;
    out.push_back(rules::hukou_in(p, params.hukou_in));
    const std::int64_t months_min = params.pension_months_min;
    RuleVerdict student = rules::student_in(p, params.student_in);
    bool worker = p.works_in_gz && p.pension_months >= months_min;
    std::string work = std::string(p.works_in_gz ? "works in Guangzhou" : "does not work in Guangzhou") + " with " +
                       std::to_string(p.pension_months) + " months of pension";
    RuleVerdict either{"student_or_worker", student.ok || worker, ""};
    if (student.ok) either.detail = std::move(student.detail);
    else if (worker) either.detail = std::move(work);
    else
      either.detail = student.detail + "; " + work + ", needs work in Guangzhou and " + std::to_string(months_min) +
                      " months";
    out.push_back(std::move(either));
    return out;
  }
};
}  // namespace

std::unique_ptr<ChannelModule> make_charity_channel() { return std::make_unique<Charity>(); }

}  // namespace relief
