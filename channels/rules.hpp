#pragma once
// Rule checks the channel modules share. Each returns a verdict whose
// detail a hospital clerk can read.
#include <string>
#include <vector>

#include "channels/channel.hpp"

namespace relief::rules {

RuleVerdict designated_hospital(const Hospital& h);
RuleVerdict hukou_in(const Person& p, const std::vector<std::string>& allowed);
RuleVerdict student_in(const Person& p, const std::vector<std::string>& allowed);
// dibao / disability / hardship: any of the named certificates held
RuleVerdict certificates_any_of(const Person& p, const std::vector<std::string>& names);
RuleVerdict hardship(const Person& p);
RuleVerdict diagnosis_in(const Claim& c, const IcdList& list, const std::string& list_name);
std::string person_label(const Person& p);  // "not in the registry" note when absent
bool is_certificate_name(const std::string& s);

}  // namespace relief::rules
