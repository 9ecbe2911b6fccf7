// Charity association medical aid. Rules: hukou_in, and either a student of
// student_in or employed in Guangzhou with pension_months_min months of pension.
#include "channels/rules.hpp"

namespace relief {

namespace {
class Charity : public ChannelModule {
 public:
  std::string name() const override { return "charity"; }
  void check(const ChannelVersion& v) const override {
    string_list(v, "hukou_in");
    string_list(v, "student_in");
    const auto& m = require_field(v, "pension_months_min");
    if (!m.is_number_integer() || m.get<int>() < 0)
      throw ConfigError(v.file + ": rules.pension_months_min: must be a whole number >= 0");
  }
  std::vector<RuleVerdict> eligible(const ChannelVersion& v, const EligibilityInput& in) const override {
    std::vector<RuleVerdict> out;
    const Person& p = in.person;
    out.push_back(rules::hukou_in(p, string_list(v, "hukou_in")));
    auto students = string_list(v, "student_in");
    std::int64_t months_min = v.rules.at("pension_months_min").get<std::int64_t>();
    RuleVerdict student = rules::student_in(p, students);
    bool worker = p.works_in_gz && p.pension_months >= months_min;
    std::string work = std::string(p.works_in_gz ? "works in Guangzhou" : "does not work in Guangzhou") + " with " +
                       std::to_string(p.pension_months) + " months of pension";
    RuleVerdict either{"student_or_worker", student.ok || worker, ""};
    if (student.ok) either.detail = student.detail;
    else if (worker) either.detail = work;
    else
      either.detail = student.detail + "; " + work + ", needs work in Guangzhou and " + std::to_string(months_min) +
                      " months";
    out.push_back(either);
    return out;
  }
};
}  // namespace

std::unique_ptr<ChannelModule> make_charity_channel() { return std::make_unique<Charity>(); }

}  // namespace relief
