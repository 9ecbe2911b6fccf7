// SPEC 4 through the engine: every rule at its boundary, the versions, the
// minimum grant, special approval, and caps across claims, batches and years.
#include <boost/test/unit_test.hpp>

#include "src/core/money.hpp"
#include "tests/unit/test_support.hpp"

using namespace relief;
using namespace relief::test;

namespace {

constexpr std::int64_t yuan(std::int64_t v) { return v * 100; }

Hospital designated_hospital() { return test_hospitals()[0]; }
Hospital plain_hospital() { return test_hospitals()[1]; }

Person person(const std::string& id) {
  Person p;
  p.id_number = id;
  p.in_registry = true;
  return p;
}

Claim claim(const std::string& patient_id, const std::string& birth, const std::string& admission,
            const std::string& discharge, std::int64_t in_scope_fen, std::int64_t out_of_scope_fen,
            const std::string& diagnosis = "J18.9") {
  static int n = 0;
  Claim c;
  c.hospital_code = "H0001";
  c.feed_id = "F";
  c.claim_id = "C" + std::to_string(++n);
  c.patient_id = patient_id;
  c.birth_date = date(birth);
  c.admission_date = date(admission);
  c.discharge_date = date(discharge);
  c.diagnoses = {diagnosis};
  c.in_scope_fen = in_scope_fen;
  c.out_of_scope_fen = out_of_scope_fen;
  c.insurance_paid_fen = yuan(100);
  c.total_fen = in_scope_fen + out_of_scope_fen + c.insurance_paid_fen;
  return c;
}

// One engine run against a registry and a ledger that persist across claims.
struct World {
  Persons registry;
  Ledger ledger;
  void add(const Person& p) { registry[p.id_number] = p; }
  ClaimResult run(const Claim& c, const Hospital& h) {
    auto it = registry.find(c.patient_id);
    Person p;
    if (it != registry.end()) p = it->second;
    else p.id_number = c.patient_id;
    return adjudicate(project_channels(), c, p, h, registry, ledger);
  }
};

bool rule_ok(const ClaimResult& r, const std::string& channel, const std::string& rule) {
  for (const auto& v : outcome(r, channel).rules)
    if (v.rule == rule) return v.ok;
  BOOST_FAIL("no rule " + rule + " in " + channel);
  return false;
}

std::string rule_detail(const ClaimResult& r, const std::string& channel, const std::string& rule) {
  for (const auto& v : outcome(r, channel).rules)
    if (v.rule == rule) return v.detail;
  return "";
}

// ---- people -----------------------------------------------------------------

const std::string kChildBirth = "2002-05-20";
const std::string kChild = make_id(date(kChildBirth), 1, 'M');
const std::string kParent = make_id(date("1975-01-01"), 2, 'F');

World children_world(std::int64_t parent_residence, bool parent_works = true) {
  World w;
  Person parent = person(kParent);
  parent.works_in_gz = parent_works;
  parent.residence_months = parent_residence;
  w.add(parent);
  Person child = person(kChild);
  child.lives_with_parents = true;
  child.hardship = true;
  child.residence_months = 0;  // the lottery's residence rule fails: children's alone can pay
  child.parents = {kParent};
  w.add(child);
  return w;
}

const std::string kLotteryBirth = "1970-03-03";
const std::string kLottery = make_id(date(kLotteryBirth), 3, 'M');

World lottery_world(Hukou hukou, std::int64_t residence) {
  World w;
  Person p = person(kLottery);
  p.hukou = hukou;
  p.residence_months = residence;
  p.hardship = true;
  w.add(p);
  return w;
}

const std::string kWorkerBirth = "1985-04-02";
const std::string kWorker = make_id(date(kWorkerBirth), 4, 'M');

World charity_world(std::int64_t pension, Student student = Student::none, bool works = true) {
  World w;
  Person p = person(kWorker);
  p.works_in_gz = works;
  p.pension_months = pension;
  p.student = student;
  w.add(p);
  return w;
}

const std::string kStudentBirth = "1997-12-01";
const std::string kStudent = make_id(date(kStudentBirth), 5, 'F');

World government_world() {
  World w;
  Person p = person(kStudent);
  p.student = Student::research;  // government 2010 yes, charity no
  p.dibao = Dibao::rural;
  w.add(p);
  return w;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(rules)

BOOST_AUTO_TEST_CASE(children_age_14_and_15_on_the_admission_day) {
  {
    World w = children_world(24);
    auto r = w.run(claim(kChild, kChildBirth, "2016-05-20", "2016-05-25", 0, yuan(5000), "C91.0"), plain_hospital());
    BOOST_TEST(rule_ok(r, "children", "age"));  // 14th birthday on the admission day
    BOOST_TEST(paid(r, "children") == yuan(5000));
  }
  {
    World w = children_world(24);
    auto r = w.run(claim(kChild, kChildBirth, "2017-05-19", "2017-05-25", 0, yuan(5000), "C91.0"), plain_hospital());
    BOOST_TEST(rule_ok(r, "children", "age"));  // still 14, the day before the 15th birthday
    BOOST_TEST(paid(r, "children") == yuan(5000));
  }
  {
    World w = children_world(24);
    auto r = w.run(claim(kChild, kChildBirth, "2017-05-20", "2017-05-25", 0, yuan(5000), "C91.0"), plain_hospital());
    BOOST_TEST(!rule_ok(r, "children", "age"));  // 15 on the admission day
    BOOST_TEST(rule_detail(r, "children", "age").find("15") != std::string::npos);
    BOOST_TEST(paid(r, "children") == 0);
    BOOST_TEST(r.total_paid_fen == 0);
  }
}

BOOST_AUTO_TEST_CASE(children_parent_residence_23_and_24) {
  World w23 = children_world(23);
  auto r23 = w23.run(claim(kChild, kChildBirth, "2016-05-01", "2016-05-10", 0, yuan(5000), "C92.0"), plain_hospital());
  BOOST_TEST(!rule_ok(r23, "children", "parent_works_in_gz"));
  BOOST_TEST(paid(r23, "children") == 0);
  World w24 = children_world(24);
  auto r24 = w24.run(claim(kChild, kChildBirth, "2016-05-01", "2016-05-10", 0, yuan(5000), "C92.0"), plain_hospital());
  BOOST_TEST(rule_ok(r24, "children", "parent_works_in_gz"));
  BOOST_TEST(paid(r24, "children") == yuan(5000));
  World idle = children_world(60, /*parent_works=*/false);
  auto ri = idle.run(claim(kChild, kChildBirth, "2016-05-01", "2016-05-10", 0, yuan(5000), "C92.0"), plain_hospital());
  BOOST_TEST(paid(ri, "children") == 0);
  World orphan = children_world(60);
  orphan.registry.erase(kParent);  // the parent is not in the registry
  auto ro = orphan.run(claim(kChild, kChildBirth, "2016-05-01", "2016-05-10", 0, yuan(5000), "C92.0"), plain_hospital());
  BOOST_TEST(paid(ro, "children") == 0);
}

BOOST_AUTO_TEST_CASE(children_illness_list) {
  World w = children_world(24);
  // C69.2 is on the list, C69.3 is not; D68.0 is, D68.1 is not.
  BOOST_TEST(paid(w.run(claim(kChild, kChildBirth, "2016-01-01", "2016-01-02", 0, yuan(100), "C69.21"), plain_hospital()),
                  "children") == yuan(100));
  BOOST_TEST(paid(w.run(claim(kChild, kChildBirth, "2016-01-01", "2016-01-02", 0, yuan(100), "C69.3"), plain_hospital()),
                  "children") == 0);
  BOOST_TEST(paid(w.run(claim(kChild, kChildBirth, "2016-01-01", "2016-01-02", 0, yuan(100), "D68.0"), plain_hospital()),
                  "children") == yuan(100));
  BOOST_TEST(paid(w.run(claim(kChild, kChildBirth, "2016-01-01", "2016-01-02", 0, yuan(100), "D68.1"), plain_hospital()),
                  "children") == 0);
}

BOOST_AUTO_TEST_CASE(children_programme_starts_2015_07_01) {
  World before = children_world(24);
  before.registry[kChild].residence_months = 30;  // the lottery can pay
  auto r = before.run(claim(kChild, kChildBirth, "2015-06-20", "2015-06-30", 0, yuan(5000), "C91.0"), plain_hospital());
  BOOST_TEST(!outcome(r, "children").in_force);
  BOOST_TEST(outcome(r, "children").note.find("not in force") != std::string::npos);
  BOOST_TEST(paid(r, "lottery") == yuan(5000));  // the lottery is the last resort
  World after = children_world(24);
  after.registry[kChild].residence_months = 30;
  auto s = after.run(claim(kChild, kChildBirth, "2015-06-20", "2015-07-01", 0, yuan(5000), "C91.0"), plain_hospital());
  BOOST_TEST(outcome(s, "children").in_force);
  BOOST_TEST(outcome(s, "children").version == "2015-07-01");
  BOOST_TEST(paid(s, "children") == yuan(5000));
  BOOST_TEST(paid(s, "lottery") == 0);  // nothing remains
}

BOOST_AUTO_TEST_CASE(lottery_residence_5_and_6) {
  World w5 = lottery_world(Hukou::nonlocal, 5);
  auto r5 = w5.run(claim(kLottery, kLotteryBirth, "2016-05-01", "2016-05-10", 0, yuan(5000), "C50.9"), plain_hospital());
  BOOST_TEST(!rule_ok(r5, "lottery", "residence"));
  BOOST_TEST(rule_detail(r5, "lottery", "residence").find("5 months, needs 6") != std::string::npos);
  BOOST_TEST(paid(r5, "lottery") == 0);
  World w6 = lottery_world(Hukou::nonlocal, 6);
  auto r6 = w6.run(claim(kLottery, kLotteryBirth, "2016-05-01", "2016-05-10", 0, yuan(5000), "C50.9"), plain_hospital());
  BOOST_TEST(paid(r6, "lottery") == yuan(5000));
  World local = lottery_world(Hukou::local, 0);
  auto rl = local.run(claim(kLottery, kLotteryBirth, "2016-05-01", "2016-05-10", 0, yuan(5000), "C50.9"), plain_hospital());
  BOOST_TEST(paid(rl, "lottery") == yuan(5000));
}

BOOST_AUTO_TEST_CASE(lottery_illness_or_accident) {
  World w = lottery_world(Hukou::local, 0);
  BOOST_TEST(paid(w.run(claim(kLottery, kLotteryBirth, "2016-01-01", "2016-01-02", 0, yuan(3000), "J18.9"),
                        plain_hospital()), "lottery") == 0);
  Claim accident = claim(kLottery, kLotteryBirth, "2016-01-01", "2016-01-02", 0, yuan(3000), "J18.9");
  accident.accident = true;
  BOOST_TEST(paid(w.run(accident, plain_hospital()), "lottery") == yuan(3000));
  Claim second = claim(kLottery, kLotteryBirth, "2016-01-01", "2016-01-02", 0, yuan(3000), "J18.9");
  second.diagnoses = {"J18.9", "I63.9"};  // any diagnosis counts, not only the primary
  BOOST_TEST(paid(w.run(second, plain_hospital()), "lottery") == yuan(3000));
}

BOOST_AUTO_TEST_CASE(charity_pension_23_and_24) {
  World w23 = charity_world(23);
  auto r23 = w23.run(claim(kWorker, kWorkerBirth, "2016-05-01", "2016-05-10", 0, yuan(5000)), plain_hospital());
  BOOST_TEST(!rule_ok(r23, "charity", "student_or_worker"));
  BOOST_TEST(paid(r23, "charity") == 0);
  World w24 = charity_world(24);
  auto r24 = w24.run(claim(kWorker, kWorkerBirth, "2016-05-01", "2016-05-10", 0, yuan(5000)), plain_hospital());
  BOOST_TEST(paid(r24, "charity") == yuan(5000));
  World idle = charity_world(120, Student::none, /*works=*/false);
  BOOST_TEST(paid(idle.run(claim(kWorker, kWorkerBirth, "2016-05-01", "2016-05-10", 0, yuan(5000)), plain_hospital()),
                  "charity") == 0);
  World college = charity_world(0, Student::college, false);
  BOOST_TEST(paid(college.run(claim(kWorker, kWorkerBirth, "2016-05-01", "2016-05-10", 0, yuan(5000)), plain_hospital()),
                  "charity") == yuan(5000));
  World research = charity_world(0, Student::research, false);  // not in the charity's list
  BOOST_TEST(paid(research.run(claim(kWorker, kWorkerBirth, "2016-05-01", "2016-05-10", 0, yuan(5000)), plain_hospital()),
                  "charity") == 0);
  World local = charity_world(36);
  local.registry[kWorker].hukou = Hukou::local;
  BOOST_TEST(paid(local.run(claim(kWorker, kWorkerBirth, "2016-05-01", "2016-05-10", 0, yuan(5000)), plain_hospital()),
                  "charity") == 0);
}

BOOST_AUTO_TEST_CASE(government_2010_and_2016_versions) {
  World w = government_world();
  auto before = w.run(claim(kStudent, kStudentBirth, "2016-02-20", "2016-02-29", yuan(10000), 0), designated_hospital());
  BOOST_TEST(outcome(before, "government").version == "2010-01-01");
  BOOST_TEST(paid(before, "government") == yuan(10000));  // 100%
  auto after = w.run(claim(kStudent, kStudentBirth, "2016-02-20", "2016-03-01", yuan(10000), 0), designated_hospital());
  BOOST_TEST(outcome(after, "government").version == "2016-03-01");
  BOOST_TEST(paid(after, "government") == yuan(9500));  // 95%
  BOOST_TEST(outcome(after, "government").ratio_bp == 9500);
  // The base is the in-scope self-pay, never the out-of-scope part.
  auto mixed = w.run(claim(kStudent, kStudentBirth, "2016-04-01", "2016-04-02", yuan(1000), yuan(5000)),
                     designated_hospital());
  BOOST_TEST(paid(mixed, "government") == yuan(950));
  // A floor on the ratio: 95% of 0.19 is 0.1805 -> 0.18.
  auto tiny = w.run(claim(kStudent, kStudentBirth, "2016-04-01", "2016-04-02", 19, 0), designated_hospital());
  BOOST_TEST(paid(tiny, "government") == 18);
  // Not at a non-designated hospital.
  auto plain = w.run(claim(kStudent, kStudentBirth, "2016-04-01", "2016-04-02", yuan(1000), 0), plain_hospital());
  BOOST_TEST(!rule_ok(plain, "government", "designated_hospital"));
  BOOST_TEST(paid(plain, "government") == 0);

  // Local hukou with hardship only: not under the 2010 version, yes under 2016.
  World h;
  Person p = person(kStudent);
  p.hukou = Hukou::local;
  p.hardship = true;
  h.add(p);
  BOOST_TEST(paid(h.run(claim(kStudent, kStudentBirth, "2016-02-20", "2016-02-29", yuan(10000), 0), designated_hospital()),
                  "government") == 0);
  BOOST_TEST(paid(h.run(claim(kStudent, kStudentBirth, "2016-02-20", "2016-03-01", yuan(10000), 0), designated_hospital()),
                  "government") == yuan(9500));
}

BOOST_AUTO_TEST_CASE(government_cap_is_per_year_not_per_version) {
  World w = government_world();
  auto first = w.run(claim(kStudent, kStudentBirth, "2016-01-02", "2016-01-15", yuan(200000), 0), designated_hospital());
  BOOST_TEST(paid(first, "government") == yuan(190000));
  auto second = w.run(claim(kStudent, kStudentBirth, "2016-06-01", "2016-06-15", yuan(400000), 0), designated_hospital());
  BOOST_TEST(outcome(second, "government").computed_fen == yuan(380000));
  BOOST_TEST(outcome(second, "government").used_before_fen == yuan(190000));
  BOOST_TEST(paid(second, "government") == yuan(160000));
}

BOOST_AUTO_TEST_CASE(not_in_force_before_2010) {
  World w = government_world();
  auto r = w.run(claim(kStudent, kStudentBirth, "2009-12-20", "2009-12-31", yuan(1000), yuan(1000)), designated_hospital());
  for (const auto& o : r.channels) {
    BOOST_TEST(!o.in_force, o.channel);
    BOOST_TEST(o.amount_fen == 0);
  }
  BOOST_TEST(r.channels.size() == 4u);
  BOOST_TEST(r.total_paid_fen == 0);
  auto s = w.run(claim(kStudent, kStudentBirth, "2009-12-20", "2010-01-01", yuan(1000), 0), designated_hospital());
  BOOST_TEST(paid(s, "government") == yuan(1000));
}

BOOST_AUTO_TEST_CASE(payment_order_is_government_children_charity_lottery) {
  const auto& entries = project_channels().in_payment_order();
  BOOST_REQUIRE(entries.size() == 4u);
  BOOST_TEST(entries[0].module->name() == "government");
  BOOST_TEST(entries[1].module->name() == "children");
  BOOST_TEST(entries[2].module->name() == "charity");
  BOOST_TEST(entries[3].module->name() == "lottery");
}

BOOST_AUTO_TEST_CASE(lottery_minimum_grant) {
  World w = lottery_world(Hukou::local, 0);
  auto below = w.run(claim(kLottery, kLotteryBirth, "2016-01-01", "2016-01-02", 0, yuan(2000) - 1, "C50.9"),
                     plain_hospital());
  BOOST_TEST(outcome(below, "lottery").computed_fen == yuan(2000) - 1);
  BOOST_TEST(paid(below, "lottery") == 0);
  BOOST_TEST(outcome(below, "lottery").note.find("minimum grant") != std::string::npos);
  auto at = w.run(claim(kLottery, kLotteryBirth, "2016-01-01", "2016-01-02", 0, yuan(2000), "C50.9"), plain_hospital());
  BOOST_TEST(paid(at, "lottery") == yuan(2000));
  BOOST_TEST(w.ledger.used({kLottery, "lottery", 2016}) == yuan(2000));  // the refused 1,999.99 used nothing
}

BOOST_AUTO_TEST_CASE(lottery_minimum_grant_after_the_cap) {
  // 1,999.99 left under the cap is below the minimum grant: nothing.
  World w = lottery_world(Hukou::local, 0);
  w.ledger.load({kLottery, "lottery", 2016}, yuan(8000) + 1);
  auto r = w.run(claim(kLottery, kLotteryBirth, "2016-01-01", "2016-01-02", 0, yuan(5000), "C50.9"), plain_hospital());
  BOOST_TEST(paid(r, "lottery") == 0);
  World v = lottery_world(Hukou::local, 0);
  v.ledger.load({kLottery, "lottery", 2016}, yuan(8000));
  auto s = v.run(claim(kLottery, kLotteryBirth, "2016-01-01", "2016-01-02", 0, yuan(5000), "C50.9"), plain_hospital());
  BOOST_TEST(paid(s, "lottery") == yuan(2000));
}

BOOST_AUTO_TEST_CASE(lottery_special_approval_cap_20000) {
  World w = lottery_world(Hukou::local, 0);
  Claim special = claim(kLottery, kLotteryBirth, "2016-01-01", "2016-01-02", 0, yuan(30000), "C50.9");
  special.special_approval = "LA-2016-0001";
  auto r = w.run(special, plain_hospital());
  BOOST_TEST(outcome(r, "lottery").cap_fen == yuan(20000));
  BOOST_TEST(outcome(r, "lottery").special_cap);
  BOOST_TEST(paid(r, "lottery") == yuan(20000));
  // Then a claim without approval: the ordinary cap 10,000 is long spent.
  auto plain = w.run(claim(kLottery, kLotteryBirth, "2016-02-01", "2016-02-02", 0, yuan(5000), "C50.9"), plain_hospital());
  BOOST_TEST(paid(plain, "lottery") == 0);

  World o = lottery_world(Hukou::local, 0);
  auto ordinary = o.run(claim(kLottery, kLotteryBirth, "2016-01-01", "2016-01-02", 0, yuan(30000), "C50.9"),
                        plain_hospital());
  BOOST_TEST(paid(ordinary, "lottery") == yuan(10000));
  Claim more = claim(kLottery, kLotteryBirth, "2016-03-01", "2016-03-02", 0, yuan(30000), "C50.9");
  more.special_approval = "LA-2016-0002";
  BOOST_TEST(paid(o.run(more, plain_hospital()), "lottery") == yuan(10000));  // 20,000 - 10,000 used
}

BOOST_AUTO_TEST_CASE(caps_across_claims) {
  World w = charity_world(36);
  Hospital h = plain_hospital();
  BOOST_TEST(paid(w.run(claim(kWorker, kWorkerBirth, "2016-01-01", "2016-01-05", 0, yuan(20000)), h), "charity") ==
             yuan(20000));
  auto second = w.run(claim(kWorker, kWorkerBirth, "2016-02-01", "2016-02-05", 0, yuan(20000)), h);
  BOOST_TEST(paid(second, "charity") == yuan(10000));
  BOOST_TEST(outcome(second, "charity").note.find("cap") != std::string::npos);
  BOOST_TEST(paid(w.run(claim(kWorker, kWorkerBirth, "2016-03-01", "2016-03-05", 0, yuan(20000)), h), "charity") == 0);
  BOOST_TEST(w.ledger.used({kWorker, "charity", 2016}) == yuan(30000));
}

BOOST_AUTO_TEST_CASE(caps_across_batches) {
  // The ledger of earlier batches is loaded before the batch runs.
  World w = charity_world(36);
  w.ledger.load({kWorker, "charity", 2016}, yuan(25000));
  auto r = w.run(claim(kWorker, kWorkerBirth, "2016-05-01", "2016-05-05", 0, yuan(20000)), plain_hospital());
  BOOST_TEST(outcome(r, "charity").used_before_fen == yuan(25000));
  BOOST_TEST(paid(r, "charity") == yuan(5000));
  BOOST_TEST(w.ledger.used({kWorker, "charity", 2016}) == yuan(30000));
  BOOST_TEST(w.ledger.loaded({kWorker, "charity", 2016}) == yuan(25000));
}

BOOST_AUTO_TEST_CASE(caps_across_a_year_end) {
  World w = charity_world(36);
  w.ledger.load({kWorker, "charity", 2016}, yuan(30000));
  Hospital h = plain_hospital();
  BOOST_TEST(paid(w.run(claim(kWorker, kWorkerBirth, "2016-12-20", "2016-12-31", 0, yuan(500)), h), "charity") == 0);
  // Discharged in the new year: the new year's cap, even if admitted in the old one.
  auto r = w.run(claim(kWorker, kWorkerBirth, "2016-12-20", "2017-01-01", 0, yuan(500)), h);
  BOOST_TEST(paid(r, "charity") == yuan(500));
  BOOST_TEST(w.ledger.used({kWorker, "charity", 2017}) == yuan(500));
  BOOST_TEST(w.ledger.used({kWorker, "charity", 2016}) == yuan(30000));
}

BOOST_AUTO_TEST_CASE(absent_person_gets_nothing) {
  World w;
  std::string id = make_id(date("1990-01-01"), 9, 'M');
  auto r = w.run(claim(id, "1990-01-01", "2016-01-01", "2016-01-02", yuan(1000), yuan(1000), "C50.9"),
                 designated_hospital());
  BOOST_TEST(r.total_paid_fen == 0);
  BOOST_TEST(rule_detail(r, "government", "certificates").find("not in the registry") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
