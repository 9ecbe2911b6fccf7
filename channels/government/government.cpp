// Municipal medical relief fund (government). Rules, from the version's
// `rules` object: designated_hospital, optional hukou_in and student_in,
// certificates_any_of.
#include "channels/rules.hpp"

namespace relief {

namespace {
class Government : public ChannelModule {
 public:
  std::string name() const override { return "government"; }
  void check(const ChannelVersion& v) const override {
    if (!require_field(v, "designated_hospital").is_boolean())
      throw ConfigError(v.file + ": rules.designated_hospital: must be true or false");
    if (v.rules.contains("hukou_in")) string_list(v, "hukou_in");
    if (v.rules.contains("student_in")) string_list(v, "student_in");
    for (const auto& c : string_list(v, "certificates_any_of"))
      if (!rules::is_certificate_name(c))
        throw ConfigError(v.file + ": rules.certificates_any_of: '" + c + "' is not dibao, disability or hardship");
  }
  std::vector<RuleVerdict> eligible(const ChannelVersion& v, const EligibilityInput& in) const override {
    std::vector<RuleVerdict> out;
    if (v.rules.at("designated_hospital").get<bool>()) out.push_back(rules::designated_hospital(in.hospital));
    if (v.rules.contains("hukou_in")) out.push_back(rules::hukou_in(in.person, string_list(v, "hukou_in")));
    if (v.rules.contains("student_in")) out.push_back(rules::student_in(in.person, string_list(v, "student_in")));
    out.push_back(rules::certificates_any_of(in.person, string_list(v, "certificates_any_of")));
    return out;
  }
};
}  // namespace

std::unique_ptr<ChannelModule> make_government_channel() { return std::make_unique<Government>(); }

}  // namespace relief
