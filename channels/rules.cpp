#include "channels/rules.hpp"

#include <algorithm>

namespace relief::rules {

namespace {
std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}
bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}
}  // namespace

std::string person_label(const Person& p) { return p.in_registry ? "" : " (not in the registry)"; }

bool is_certificate_name(const std::string& s) { return s == "dibao" || s == "disability" || s == "hardship"; }

RuleVerdict designated_hospital(const Hospital& h) {
  return {"designated_hospital", h.designated,
          h.designated ? "hospital " + h.code + " is a designated medical-relief institution"
                       : "hospital " + h.code + " is not a designated medical-relief institution"};
}

RuleVerdict hukou_in(const Person& p, const std::vector<std::string>& allowed) {
  std::string h = to_string(p.hukou);
  bool ok = contains(allowed, h);
  return {"hukou", ok, "hukou " + h + person_label(p) + (ok ? "" : ", needs " + join(allowed, " or "))};
}

RuleVerdict student_in(const Person& p, const std::vector<std::string>& allowed) {
  std::string s = to_string(p.student);
  bool ok = contains(allowed, s);
  return {"student", ok, "student: " + s + person_label(p) + (ok ? "" : ", needs " + join(allowed, ", "))};
}

RuleVerdict certificates_any_of(const Person& p, const std::vector<std::string>& names) {
  std::vector<std::string> held;
  for (const auto& n : names) {
    if (n == "dibao" && p.dibao != Dibao::none) held.push_back(std::string("dibao (") + to_string(p.dibao) + ")");
    if (n == "disability" && p.disability) held.push_back("disability certificate");
    if (n == "hardship" && p.hardship) held.push_back("family hardship");
  }
  bool ok = !held.empty();
  return {"certificates", ok,
          ok ? "holds " + join(held, ", ") : "holds none of " + join(names, ", ") + person_label(p)};
}

RuleVerdict hardship(const Person& p) {
  return {"hardship", p.hardship,
          p.hardship ? "family assessed as unable to pay" : "family not assessed as unable to pay" + person_label(p)};
}

RuleVerdict diagnosis_in(const Claim& c, const IcdList& list, const std::string& list_name) {
  for (const auto& d : c.diagnoses) {
    if (const std::string* entry = list.matching_entry(d))
      return {"diagnosis", true, "diagnosis " + d + " is in the " + list_name + " list (" + *entry + ")"};
  }
  return {"diagnosis", false, "no diagnosis (" + join(c.diagnoses, ", ") + ") is in the " + list_name + " list"};
}

}  // namespace relief::rules
