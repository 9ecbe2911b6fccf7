#pragma once
// The plain data Relief works on: a claim as read from a feed, a person of
// the beneficiary registry, a hospital. No I/O here.
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "src/core/date.hpp"

namespace relief {

// A claim as its feed gave it. The batch reads only what adjudication needs
// (see ClaimCursor): a rule that reads another field must add it there.
struct Claim {
  std::string hospital_code;
  std::string feed_id;
  std::string claim_id;
  std::string patient_id;  // normalised identity number
  std::string patient_name;
  Date birth_date;
  char sex = 'M';           // 'M' | 'F'
  std::string visit_type;   // inpatient | outpatient
  Date admission_date;
  Date discharge_date;
  std::vector<std::string> diagnoses;  // first is primary
  bool accident = false;
  std::int64_t total_fen = 0;
  std::int64_t insurance_paid_fen = 0;
  std::int64_t in_scope_fen = 0;
  std::int64_t out_of_scope_fen = 0;
  std::string special_approval;  // empty: none
  std::int64_t feed_seq = 0;     // the feed it came in (database key)
  std::int64_t position = 0;     // 1-based position in its feed
};

// SPEC 5's processing order: (DischargeDate, AdmissionDate, HospitalCode,
// ClaimId), byte-wise, as SQLite orders the stored text (dates of years
// 1000-9999 compare as their ISO text does; std::string compares bytes
// unsigned, as SQLite's BINARY collation).
bool before_in_processing_order(const Claim& a, const Claim& b);

enum class Hukou { local, nonlocal };
enum class Dibao { none, urban, rural };
enum class Student { none, university, college, research, vocational, technical };

struct Person {
  std::string id_number;
  std::string name;
  Hukou hukou = Hukou::nonlocal;
  Dibao dibao = Dibao::none;
  bool disability = false;
  Student student = Student::none;
  std::int64_t pension_months = 0;
  std::int64_t residence_months = 0;
  bool works_in_gz = false;
  bool hardship = false;
  bool lives_with_parents = false;
  std::vector<std::string> parents;
  bool in_registry = false;  // false: SPEC 2.3's "no certificates" defaults
};

// Persons by identity number: what adjudication may look up (a chunk's
// patients and their parents; a test's registry). Hashed: a batch looks a
// patient up for every claim.
using Persons = std::unordered_map<std::string, Person>;

struct Hospital {
  std::string code;
  std::string name;
  bool designated = false;
  std::string account;
  std::string bank_code;
  std::string bank_name;
};

const char* to_string(Hukou v);
const char* to_string(Dibao v);
const char* to_string(Student v);
std::optional<Hukou> parse_hukou(const std::string& s);
std::optional<Dibao> parse_dibao(const std::string& s);
std::optional<Student> parse_student(const std::string& s);
std::optional<bool> parse_bool(const std::string& s);

}  // namespace relief
