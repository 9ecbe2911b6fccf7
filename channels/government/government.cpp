// Municipal medical relief fund (government). Rules, from the version's
// `rules` object: designated_hospital, optional hukou_in and student_in,
// certificates_any_of.
#include "channels/rules.hpp"

namespace relief {

namespace {

struct GovernmentParams : ChannelParams {
  bool designated_hospital = false;
  std::optional<std::vector<std::string>> hukou_in, student_in;
  std::vector<std::string> certificates_any_of;
};

class Government : public ChannelModule {
 public:
  std::string name() const override { return "government"; }
  std::shared_ptr<const ChannelParams> read_params(const ChannelVersion& v) const override {
    auto p = std::make_shared<GovernmentParams>();
    p->designated_hospital = true_or_false(v, "designated_hospital");
    if (v.rules.contains("hukou_in")) p->hukou_in = string_list(v, "hukou_in");
    if (v.rules.contains("student_in")) p->student_in = string_list(v, "student_in");
    p->certificates_any_of = string_list(v, "certificates_any_of");
    for (const auto& c : p->certificates_any_of)
      if (!rules::is_certificate_name(c))
        throw ConfigError(v.file + ": rules.certificates_any_of: '" + c + "' is not dibao, disability or hardship");
    return p;
  }
  std::vector<RuleVerdict> eligible(const ChannelVersion& v, const EligibilityInput& in) const override {
    const auto& params = params_of<GovernmentParams>(v);
    std::vector<RuleVerdict> out;
    out.reserve(4);
    if (params.designated_hospital) out.push_back(rules::designated_hospital(in.hospital));
    if (params.hukou_in) out.push_back(rules::hukou_in(in.person, *params.hukou_in));
    if (params.student_in) out.push_back(rules::student_in(in.person, *params.student_in));
    out.push_back(rules::certificates_any_of(in.person, params.certificates_any_of));
    return out;
  }
};
}  // namespace

std::unique_ptr<ChannelModule> make_government_channel() { return std::make_unique<Government>(); }

}  // namespace relief
