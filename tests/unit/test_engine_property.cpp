// Issue 3 item 3/5: thousands of random claims (fixed seed) through the
// engine, checked against the invariants and against a small reference model
// of SPEC 4 / 4.1 written here from the SPEC's table, independent of
// channels/ and src/engine.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <array>
#include <random>

#include "src/core/money.hpp"
#include "tests/unit/test_support.hpp"

using namespace relief;
using namespace relief::test;

namespace {

// ---- the reference model -----------------------------------------------------

namespace ref {

constexpr std::int64_t Y = 100;  // fen per yuan

// A list entry: "A00-B99" (range over the first three characters), "D56"
// (category and its dotted extensions) or "C69.2" (the code and longer ones).
bool listed(const std::vector<std::string>& list, const std::string& code) {
  for (const auto& e : list) {
    if (e.size() == 7 && e[3] == '-') {
      std::string cat = code.substr(0, 3);
      if (cat >= e.substr(0, 3) && cat <= e.substr(4, 3)) return true;
    } else if (e.size() == 3) {
      if (code == e || code.rfind(e + ".", 0) == 0) return true;
    } else if (code.rfind(e, 0) == 0) {
      return true;
    }
  }
  return false;
}

const std::vector<std::string> kSerious = {"C00-C97", "D56", "D61", "D66", "D67", "I21", "I60-I64", "N18.5", "Q20-Q26", "K72"};
const std::vector<std::string> kChildren = {"C91-C95", "C81-C85", "C64", "C69.2", "C71", "C74", "C40-C41", "D56",
                                            "D61", "D66", "D67", "D68.0", "Q20-Q26", "Q35-Q37", "N18.5"};

bool any_listed(const std::vector<std::string>& list, const Claim& c) {
  return std::any_of(c.diagnoses.begin(), c.diagnoses.end(), [&](const std::string& d) { return listed(list, d); });
}

int age(const Date& b, const Date& on) {
  int a = on.year - b.year;
  if (std::make_pair(on.month, on.day) < std::make_pair(b.month, b.day)) --a;
  return a;
}

struct Params {
  bool in_force;
  bool in_scope_base;
  std::int64_t ratio_bp, cap, special_cap, min_grant;  // special_cap 0: none
};

const std::array<const char*, 4> kOrder = {"government", "children", "charity", "lottery"};

Params params(int channel, const Date& d) {
  const Date y2010{2010, 1, 1}, y2016{2016, 3, 1}, y2015{2015, 7, 1};
  switch (channel) {
    case 0:
      if (d < y2010) return {false, true, 0, 0, 0, 0};
      if (d < y2016) return {true, true, 10000, 190000 * Y, 0, 0};
      return {true, true, 9500, 350000 * Y, 0, 0};
    case 1: return {!(d < y2015), false, 10000, 10000 * Y, 0, 0};
    case 2: return {!(d < y2010), false, 10000, 30000 * Y, 0, 0};
    default: return {!(d < y2010), false, 10000, 10000 * Y, 20000 * Y, 2000 * Y};
  }
}

bool eligible(int channel, const Claim& c, const Person& p, const Hospital& h,
              const Persons& registry) {
  const bool certificate = p.dibao != Dibao::none || p.disability;
  switch (channel) {
    case 0:
      if (c.discharge_date < Date{2016, 3, 1})
        return h.designated && p.hukou == Hukou::nonlocal && p.student != Student::none && certificate;
      return h.designated && (certificate || p.hardship);
    case 1: {
      bool parent = false;
      for (const auto& id : p.parents) {
        auto it = registry.find(id);
        if (it != registry.end() && it->second.works_in_gz && it->second.residence_months >= 24) parent = true;
      }
      return age(c.birth_date, c.admission_date) <= 14 && p.lives_with_parents && parent && any_listed(kChildren, c) &&
             p.hardship;
    }
    case 2: {
      bool student = p.student == Student::university || p.student == Student::college ||
                     p.student == Student::vocational;
      return p.hukou == Hukou::nonlocal && (student || (p.works_in_gz && p.pension_months >= 24));
    }
    default:
      return (p.hukou == Hukou::local || p.residence_months >= 6) && p.hardship &&
             (c.accident || any_listed(kSerious, c));
  }
}

using Used = std::map<std::tuple<std::string, int, int>, std::int64_t>;  // person, channel, year

std::array<std::int64_t, 4> pay(const Claim& c, const Person& p, const Hospital& h,
                                const Persons& registry, Used& used) {
  std::array<std::int64_t, 4> out{};
  const std::int64_t burden = c.in_scope_fen + c.out_of_scope_fen;
  std::int64_t paid = 0;
  for (int ch = 0; ch < 4; ++ch) {
    Params v = params(ch, c.discharge_date);
    if (!v.in_force || !eligible(ch, c, p, h, registry)) continue;
    std::int64_t remaining = burden - paid;
    std::int64_t base = v.in_scope_base ? std::min(c.in_scope_fen, remaining) : remaining;
    std::int64_t amount = base * v.ratio_bp / 10000;
    std::int64_t cap = (!c.special_approval.empty() && v.special_cap > 0) ? v.special_cap : v.cap;
    std::int64_t& u = used[{c.patient_id, ch, c.discharge_date.year}];
    amount = std::min(amount, std::max<std::int64_t>(0, cap - u));
    if (amount < v.min_grant) amount = 0;
    u += amount;
    paid += amount;
    out[static_cast<std::size_t>(ch)] = amount;
  }
  return out;
}

}  // namespace ref

// ---- random data -----------------------------------------------------------------

struct Gen {
  std::mt19937_64 rng{0x5EED2016ULL};
  int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng); }
  template <typename T>
  const T& pick(const std::vector<T>& v) { return v[static_cast<std::size_t>(uniform(0, static_cast<int>(v.size()) - 1))]; }
  Date day(int y0, int y1) {
    int y = uniform(y0, y1), m = uniform(1, 12);
    return Date{y, m, uniform(1, days_in_month(y, m))};
  }
  std::int64_t amount() {
    switch (uniform(0, 5)) {
      case 0: return 0;
      case 1: return uniform(0, 300000);                           // up to 3,000.00
      case 2: return pick(std::vector<std::int64_t>{199999, 200000, 200001, 1, 19, 999999, 1000000});
      case 3: return static_cast<std::int64_t>(uniform(0, 5000000));  // up to 50,000.00
      case 4: return static_cast<std::int64_t>(uniform(0, 20000000)) * 2;  // up to 400,000.00
      default: return static_cast<std::int64_t>(uniform(0, 100000)) * 100;
    }
  }
};

const std::vector<std::string> kDiagnoses = {
    "C00", "C50.9", "C97.9", "C98.1", "D56", "D56.1", "D57", "D61", "D66", "D67.9", "D68.0", "D68.1", "I21.9",
    "I59", "I60.0", "I64", "I65", "N18.5", "N18.4", "Q20", "Q26.8", "Q27", "Q35.1", "Q37", "Q38", "K72", "K73",
    "J18.9", "C64", "C71.0", "C74", "C40.1", "C41", "C42", "C81.0", "C85", "C86", "C69.2", "C69.21", "C69.3", "C91.0",
    "C95.9", "C96"};

const std::vector<std::string> kChildrenDiagnoses = {"C91.0", "C95.9", "C81.0", "C69.2", "C69.3", "D68.0", "Q35.1",
                                                    "C40.1", "C96", "N18.5"};

struct Population {
  std::vector<Person> people;               // everyone a claim may name
  Persons registry;   // those in the registry
  std::map<std::string, Date> births;
};

Population make_population(Gen& g, int n) {
  // The first quarter are children, the next quarter their possible parents
  // (working in Guangzhou around the 24-month boundary), the rest anyone.
  Population pop;
  const int children = n / 4, parents = n / 4;
  for (int i = 0; i < n; ++i) {
    Date birth = i < children ? g.day(2001, 2015) : g.day(1940, 1999);
    Person p;
    p.id_number = make_id(birth, i, g.chance(0.5) ? 'M' : 'F');
    p.in_registry = i < children + parents || g.chance(0.8);
    if (p.in_registry) {
      p.hukou = g.chance(0.4) ? Hukou::local : Hukou::nonlocal;
      p.dibao = g.pick(std::vector<Dibao>{Dibao::none, Dibao::none, Dibao::urban, Dibao::rural});
      p.disability = g.chance(0.2);
      p.student = g.pick(std::vector<Student>{Student::none, Student::none, Student::university, Student::college,
                                              Student::research, Student::vocational, Student::technical});
      p.pension_months = g.pick(std::vector<std::int64_t>{0, 12, 23, 24, 25, 120});
      p.residence_months = g.pick(std::vector<std::int64_t>{0, 5, 6, 7, 23, 24, 25, 300});
      p.works_in_gz = i >= children && i < children + parents ? g.chance(0.8) : g.chance(0.5);
      p.hardship = g.chance(0.6);
      p.lives_with_parents = g.chance(0.7);
    }
    pop.births[p.id_number] = birth;
    pop.people.push_back(p);
  }
  for (int i = 0; i < n; ++i) {
    Person& p = pop.people[static_cast<std::size_t>(i)];
    if (!p.in_registry || !g.chance(0.8)) continue;
    int k = g.uniform(1, 2);
    for (int j = 0; j < k; ++j) {
      // Children mostly have parents from the parents' quarter; anyone may name anyone.
      int q = i < children && g.chance(0.8) ? g.uniform(children, children + parents - 1) : g.uniform(0, n - 1);
      if (q != i) p.parents.push_back(pop.people[static_cast<std::size_t>(q)].id_number);
    }
  }
  for (const auto& p : pop.people)
    if (p.in_registry) pop.registry[p.id_number] = p;
  return pop;
}

Claim make_claim(Gen& g, const Population& pop, int n) {
  const Person& p = g.pick(pop.people);
  Claim c;
  c.hospital_code = g.chance(0.7) ? "H0001" : "H0002";
  c.feed_id = "F";
  c.claim_id = "R" + std::to_string(n);
  c.patient_id = p.id_number;
  c.birth_date = pop.births.at(p.id_number);
  c.sex = 'M';
  const bool child = c.birth_date.year > 2000;
  Date lo = std::max(c.birth_date, Date{2009, 6, 1});
  do {
    c.admission_date = g.day(child && g.chance(0.6) ? 2015 : std::max(lo.year, 2009), 2018);
  } while (c.admission_date < lo);
  c.discharge_date = c.admission_date;
  int stay = g.uniform(0, 40);
  for (int i = 0; i < stay; ++i) {
    Date& d = c.discharge_date;
    if (++d.day > days_in_month(d.year, d.month)) {
      d.day = 1;
      if (++d.month > 12) {
        d.month = 1;
        ++d.year;
      }
    }
  }
  int k = g.uniform(1, 3);
  for (int i = 0; i < k; ++i) c.diagnoses.push_back(g.pick(child && g.chance(0.5) ? kChildrenDiagnoses : kDiagnoses));
  c.accident = g.chance(0.1);
  c.special_approval = g.chance(0.15) ? "LA-" + std::to_string(n) : "";
  c.in_scope_fen = g.amount();
  c.out_of_scope_fen = g.amount();
  c.insurance_paid_fen = g.amount();
  c.total_fen = c.in_scope_fen + c.out_of_scope_fen + c.insurance_paid_fen;
  return c;
}

bool processing_order(const Claim& a, const Claim& b) {
  return std::tie(a.discharge_date, a.admission_date, a.hospital_code, a.claim_id) <
         std::tie(b.discharge_date, b.admission_date, b.hospital_code, b.claim_id);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(engine_property)

BOOST_AUTO_TEST_CASE(random_claims_keep_the_invariants_and_match_the_reference) {
  Gen g;
  const Population pop = make_population(g, 200);
  const std::map<std::string, Hospital> hospitals = {{"H0001", test_hospitals()[0]}, {"H0002", test_hospitals()[1]}};
  const ChannelSet& channels = project_channels();
  const int kBatches = 4, kClaimsPerBatch = 1500;

  std::map<Ledger::Key, std::int64_t> stored;  // the ledger table between batches
  ref::Used ref_used;
  int mismatches = 0, claims = 0;
  std::array<std::int64_t, 4> paid_somewhere{};
  for (int b = 0; b < kBatches; ++b) {
    std::vector<Claim> batch;
    for (int i = 0; i < kClaimsPerBatch; ++i) batch.push_back(make_claim(g, pop, b * kClaimsPerBatch + i));
    std::sort(batch.begin(), batch.end(), processing_order);

    Ledger ledger;
    for (const auto& [k, v] : stored) ledger.load(k, v);
    std::map<std::string, std::int64_t> paid_per_channel;
    for (const auto& c : batch) {
      auto it = pop.registry.find(c.patient_id);
      Person p;
      if (it != pop.registry.end()) p = it->second;
      else p.id_number = c.patient_id;
      const Hospital& h = hospitals.at(c.hospital_code);
      ClaimResult r = adjudicate(channels, c, p, h, pop.registry, ledger);
      auto expected = ref::pay(c, p, h, pop.registry, ref_used);
      ++claims;

      // Invariants per claim.
      std::int64_t sum = 0;
      BOOST_REQUIRE(r.channels.size() == 4u);
      for (std::size_t k = 0; k < 4; ++k) {
        const auto& o = r.channels[k];
        BOOST_TEST(o.channel == ref::kOrder[k]);
        if (o.amount_fen < 0) BOOST_ERROR("negative amount on " << c.claim_id);
        sum += o.amount_fen;
        paid_per_channel[o.channel] += o.amount_fen;
        if (o.amount_fen > 0) ++paid_somewhere[k];
        if (o.amount_fen != expected[k] && ++mismatches <= 10)
          BOOST_ERROR("claim " << c.claim_id << " channel " << o.channel << ": engine " << o.amount_fen
                                << ", reference " << expected[k] << " (discharge " << c.discharge_date.iso() << ")");
      }
      BOOST_TEST(sum == r.total_paid_fen);
      // The batch's direct serialisation is byte for byte the JSON tree's.
      if (trace_text(r) != trace_json(r).dump()) BOOST_ERROR("trace_text differs for " << c.claim_id);
      nlohmann::json paid_obj = nlohmann::json::object();
      for (const auto& o : r.channels) paid_obj[o.channel] = format_fen(o.amount_fen);
      if (paid_text(r) != paid_obj.dump()) BOOST_ERROR("paid_text differs for " << c.claim_id);
      if (r.total_paid_fen > r.burden_fen) BOOST_ERROR("claim " << c.claim_id << " paid more than its burden");
      BOOST_TEST(r.burden_fen == c.in_scope_fen + c.out_of_scope_fen);
    }

    // Invariants per ledger row and per batch and channel.
    std::map<std::string, std::int64_t> increase;
    for (const auto& [compact, e] : ledger.entries()) {
      const auto [id, channel_view, year] = ledger.view(compact);
      const Ledger::Key k{std::string(id), std::string(channel_view), year};
      const std::int64_t used = e.used_fen;
      const std::string& channel = std::get<1>(k);
      const auto* entry = channels.find(channel);
      BOOST_REQUIRE(entry);
      const ChannelVersion* v = entry->in_force(Date{std::get<2>(k), 12, 31});
      BOOST_REQUIRE(v);
      std::int64_t cap = std::max(v->annual_cap_fen, v->special_cap_fen.value_or(0));
      if (used > cap) BOOST_ERROR("ledger row over the cap: " << std::get<0>(k) << " " << channel);
      std::int64_t before = ledger.loaded(Ledger::view(k));
      BOOST_TEST(used >= before);
      increase[channel] += used - before;
      stored[k] = used;
    }
    for (const char* ch : ref::kOrder) BOOST_TEST(increase[ch] == paid_per_channel[ch], "batch " << b << " " << ch);
  }
  BOOST_TEST(mismatches == 0);
  BOOST_TEST(claims == kBatches * kClaimsPerBatch);
  // The data really exercises every channel (a test that cannot fail proves nothing).
  for (std::size_t k = 0; k < 4; ++k) BOOST_TEST(paid_somewhere[k] > 20, ref::kOrder[k] << " paid " << paid_somewhere[k]);
}

BOOST_AUTO_TEST_SUITE_END()
