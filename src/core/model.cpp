#include "src/core/model.hpp"

namespace relief {

bool before_in_processing_order(const Claim& a, const Claim& b) {
  if (a.discharge_date != b.discharge_date) return a.discharge_date < b.discharge_date;
  if (a.admission_date != b.admission_date) return a.admission_date < b.admission_date;
  if (int c = a.hospital_code.compare(b.hospital_code)) return c < 0;
  return a.claim_id < b.claim_id;
}

const char* to_string(Hukou v) { return v == Hukou::local ? "local" : "nonlocal"; }
const char* to_string(Dibao v) {
  switch (v) {
    case Dibao::none: return "none";
    case Dibao::urban: return "urban";
    case Dibao::rural: return "rural";
  }
  return "?";
}
const char* to_string(Student v) {
  switch (v) {
    case Student::none: return "none";
    case Student::university: return "university";
    case Student::college: return "college";
    case Student::research: return "research";
    case Student::vocational: return "vocational";
    case Student::technical: return "technical";
  }
  return "?";
}
std::optional<Hukou> parse_hukou(const std::string& s) {
  if (s == "local") return Hukou::local;
  if (s == "nonlocal") return Hukou::nonlocal;
  return std::nullopt;
}
std::optional<Dibao> parse_dibao(const std::string& s) {
  if (s == "none") return Dibao::none;
  if (s == "urban") return Dibao::urban;
  if (s == "rural") return Dibao::rural;
  return std::nullopt;
}
std::optional<Student> parse_student(const std::string& s) {
  for (Student v : {Student::none, Student::university, Student::college, Student::research, Student::vocational,
                    Student::technical})
    if (s == to_string(v)) return v;
  return std::nullopt;
}
std::optional<bool> parse_bool(const std::string& s) {
  if (s == "true") return true;
  if (s == "false") return false;
  return std::nullopt;
}

}  // namespace relief
