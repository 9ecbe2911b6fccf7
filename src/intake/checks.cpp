#include "src/intake/checks.hpp"

#include "src/core/icd.hpp"
#include "src/core/idnumber.hpp"
#include "src/core/limits.hpp"
#include "src/core/money.hpp"

namespace relief {

namespace {

std::optional<CheckFailure> schema(const std::string& detail) { return CheckFailure{"SCHEMA", detail}; }

bool amount(const std::string& element, const std::string& text, std::int64_t& out, std::string& err) {
  auto v = parse_amount_fen(text);
  if (!v) {
    if (err.empty()) err = element + ": '" + text + "' is not an amount like 1234.50";
    return false;
  }
  out = *v;
  return true;
}

bool date(const std::string& element, const std::string& text, Date& out, std::string& err) {
  auto v = parse_date(text);
  if (!v) {
    if (err.empty()) err = element + ": '" + text + "' is not a date YYYY-MM-DD";
    return false;
  }
  out = *v;
  return true;
}

}  // namespace

std::optional<CheckFailure> check_claim(const RawClaim& raw, const std::string& hospital_code,
                                        const std::string& feed_id, const Date& created_date, Claim& out) {
  if (!raw.schema_error.empty()) return schema(raw.schema_error);

  // The XSD already holds these; parsing them again keeps the engine's input
  // safe even if the schema and the code ever drift apart.
  std::string err;
  Claim c;
  c.hospital_code = hospital_code;
  c.feed_id = feed_id;
  c.claim_id = raw.claim_id;
  if (c.claim_id.empty() || c.claim_id.size() > 32) err = "ClaimId: missing or longer than 32 characters";
  c.patient_name = raw.name;
  date("Patient/BirthDate", raw.birth_date, c.birth_date, err);
  if (raw.sex != "M" && raw.sex != "F" && err.empty()) err = "Patient/Sex: '" + raw.sex + "' is not M or F";
  c.sex = raw.sex.empty() ? 'M' : raw.sex[0];
  if (raw.visit_type != "inpatient" && raw.visit_type != "outpatient" && err.empty())
    err = "Visit/Type: '" + raw.visit_type + "' is not inpatient or outpatient";
  c.visit_type = raw.visit_type;
  date("Visit/AdmissionDate", raw.admission_date, c.admission_date, err);
  date("Visit/DischargeDate", raw.discharge_date, c.discharge_date, err);
  if ((raw.diagnoses.empty() || raw.diagnoses.size() > static_cast<std::size_t>(limits::diagnoses_per_claim_max)) &&
      err.empty())
    err = "Visit/Diagnosis: needs 1 to 10 codes";
  for (const auto& d : raw.diagnoses)
    if (!is_icd10_code(d) && err.empty()) err = "Visit/Diagnosis: '" + d + "' is not an ICD-10 code";
  c.diagnoses = raw.diagnoses;
  if (!raw.accident.empty() && raw.accident != "true" && raw.accident != "false" && err.empty())
    err = "Visit/Accident: '" + raw.accident + "' is not true or false";
  c.accident = raw.accident == "true";
  amount("Costs/Total", raw.total, c.total_fen, err);
  amount("Costs/InsurancePaid", raw.insurance_paid, c.insurance_paid_fen, err);
  amount("Costs/InScopeSelfPay", raw.in_scope, c.in_scope_fen, err);
  amount("Costs/OutOfScopeSelfPay", raw.out_of_scope, c.out_of_scope_fen, err);
  c.special_approval = raw.special_approval;
  if (raw.has_special_approval && raw.special_approval.empty() && err.empty())
    err = "SpecialApproval: empty";
  c.position = raw.position;
  if (!err.empty()) return schema(err);

  auto id = parse_id_number(raw.id_number);
  if (!id.id) return CheckFailure{"ID_CHECKSUM", "Patient/IdNumber " + mask_id(raw.id_number) + ": " + id.reason};
  c.patient_id = id.id->value;

  if (id.id->birth != c.birth_date)
    return CheckFailure{"ID_MISMATCH", "Patient/BirthDate " + c.birth_date.iso() +
                                           " disagrees with the identity number's birth date " + id.id->birth.iso()};
  char id_sex = id.id->sex == Sex::male ? 'M' : 'F';
  if (id_sex != c.sex)
    return CheckFailure{"ID_MISMATCH", std::string("Patient/Sex ") + c.sex +
                                           " disagrees with the identity number's sex digit (" + id_sex + ")"};

  std::int64_t parts = add_fen(add_fen(c.insurance_paid_fen, c.in_scope_fen), c.out_of_scope_fen);
  if (parts != c.total_fen)
    return CheckFailure{"AMOUNTS", "Costs/Total " + format_fen(c.total_fen) + " differs from InsurancePaid " +
                                       format_fen(c.insurance_paid_fen) + " + InScopeSelfPay " +
                                       format_fen(c.in_scope_fen) + " + OutOfScopeSelfPay " +
                                       format_fen(c.out_of_scope_fen) + " = " + format_fen(parts)};

  if (c.discharge_date < c.admission_date)
    return CheckFailure{"DATES", "Visit/DischargeDate " + c.discharge_date.iso() + " is before AdmissionDate " +
                                     c.admission_date.iso()};
  if (c.birth_date > c.admission_date)
    return CheckFailure{"DATES", "Patient/BirthDate " + c.birth_date.iso() + " is after AdmissionDate " +
                                     c.admission_date.iso()};
  if (c.discharge_date > created_date)
    return CheckFailure{"DATES", "Visit/DischargeDate " + c.discharge_date.iso() +
                                     " is after the feed's CreatedAt date " + created_date.iso()};
  out = std::move(c);
  return std::nullopt;
}

}  // namespace relief
