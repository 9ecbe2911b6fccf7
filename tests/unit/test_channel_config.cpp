// Issue 3 item 1: a missing, malformed or inconsistent parameter file is a
// configuration error naming the file and the field (exit 1 from the CLI).
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <functional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "src/cli/cli.hpp"
#include "tests/unit/test_support.hpp"

using namespace relief;
using namespace relief::test;

namespace {

// A copy of the project's channels/ parameter files in a temporary folder.
struct ChannelCopy {
  TempDir dir;
  std::string root = dir.file("channels");
  ChannelCopy() {
    for (const auto& e : fs::recursive_directory_iterator(RELIEF_SOURCE_DIR "/channels")) {
      if (e.path().extension() != ".json") continue;
      fs::path rel = fs::relative(e.path(), RELIEF_SOURCE_DIR "/channels");
      fs::create_directories(fs::path(root) / rel.parent_path());
      fs::copy_file(e.path(), fs::path(root) / rel);
    }
  }
  std::string file(const std::string& rel) const { return root + "/" + rel; }
  void edit(const std::string& rel, const std::function<void(nlohmann::json&)>& change) const {
    auto j = nlohmann::json::parse(read_file(file(rel)));
    change(j);
    write_file(file(rel), j.dump(2));
  }
};

// Loads the set and returns the ConfigError's message ("" if it loaded).
std::string load_error(const ChannelCopy& c) {
  try {
    ChannelSet::load(c.root);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

void expect_error(const ChannelCopy& c, const std::string& file, const std::string& field) {
  std::string msg = load_error(c);
  BOOST_TEST(msg.find(file) != std::string::npos, "message: " << msg);
  BOOST_TEST(msg.find(field) != std::string::npos, "message: " << msg);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(channel_config)

BOOST_AUTO_TEST_CASE(the_unchanged_copy_loads) {
  ChannelCopy c;
  BOOST_TEST(load_error(c) == "");
  auto set = ChannelSet::load(c.root);
  const auto* lottery = set.find("lottery");
  BOOST_REQUIRE(lottery);
  BOOST_REQUIRE(lottery->versions.size() == 1u);
  BOOST_TEST(lottery->versions[0].annual_cap_fen == 1'000'000);
  BOOST_TEST(lottery->versions[0].special_cap_fen.value() == 2'000'000);
  BOOST_TEST(lottery->versions[0].min_grant_fen == 200'000);
  const auto* gov = set.find("government");
  BOOST_REQUIRE(gov);
  BOOST_REQUIRE(gov->versions.size() == 2u);
  BOOST_TEST(gov->in_force(date("2016-02-29"))->effective_from.iso() == "2010-01-01");
  BOOST_TEST(gov->in_force(date("2016-03-01"))->effective_from.iso() == "2016-03-01");
  BOOST_TEST(gov->in_force(date("2009-12-31")) == nullptr);
}

BOOST_AUTO_TEST_CASE(missing_parameter_file) {
  ChannelCopy c;
  fs::remove(c.file("children/2015-07-01.json"));
  expect_error(c, "children", "no parameter file");
}

BOOST_AUTO_TEST_CASE(missing_channel_folder) {
  ChannelCopy c;
  fs::remove_all(c.file("charity"));
  expect_error(c, "charity", "missing");
}

BOOST_AUTO_TEST_CASE(malformed_json) {
  ChannelCopy c;
  write_file(c.file("lottery/2010-01-01.json"), "{ \"channel\": \"lottery\", ");
  expect_error(c, "lottery/2010-01-01.json", "JSON");
}

BOOST_AUTO_TEST_CASE(missing_field) {
  ChannelCopy c;
  c.edit("charity/2010-01-01.json", [](nlohmann::json& j) { j.erase("annual_cap"); });
  expect_error(c, "charity/2010-01-01.json", "annual_cap");
}

BOOST_AUTO_TEST_CASE(bad_amount) {
  ChannelCopy c;
  c.edit("charity/2010-01-01.json", [](nlohmann::json& j) { j["annual_cap"] = "30,000.00"; });
  expect_error(c, "charity/2010-01-01.json", "annual_cap");
}

BOOST_AUTO_TEST_CASE(ratio_out_of_range) {
  ChannelCopy c;
  c.edit("government/2016-03-01.json", [](nlohmann::json& j) { j["ratio_bp"] = 10001; });
  expect_error(c, "government/2016-03-01.json", "ratio_bp");
  c.edit("government/2016-03-01.json", [](nlohmann::json& j) { j["ratio_bp"] = 0.95; });
  expect_error(c, "government/2016-03-01.json", "ratio_bp");
}

BOOST_AUTO_TEST_CASE(inconsistent_figures) {
  {
    ChannelCopy c;
    c.edit("lottery/2010-01-01.json", [](nlohmann::json& j) { j["min_grant"] = "10000.01"; });
    expect_error(c, "lottery/2010-01-01.json", "min_grant");
  }
  {
    ChannelCopy c;
    c.edit("lottery/2010-01-01.json", [](nlohmann::json& j) { j["special_cap"] = "9999.99"; });
    expect_error(c, "lottery/2010-01-01.json", "special_cap");
  }
  {
    ChannelCopy c;
    c.edit("children/2015-07-01.json", [](nlohmann::json& j) { j["payment_order"] = 1; });  // as government's
    expect_error(c, "2015-07-01.json", "payment_order");
  }
  {
    ChannelCopy c;
    c.edit("government/2016-03-01.json", [](nlohmann::json& j) { j["payment_order"] = 2; });  // differs from 2010's
    expect_error(c, "government/2016-03-01.json", "payment_order");
  }
  {
    ChannelCopy c;
    c.edit("charity/2010-01-01.json", [](nlohmann::json& j) { j["channel"] = "lottery"; });
    expect_error(c, "charity/2010-01-01.json", "channel");
  }
  {
    ChannelCopy c;
    c.edit("charity/2010-01-01.json", [](nlohmann::json& j) { j["effective_from"] = "2010-01-02"; });
    expect_error(c, "charity/2010-01-01.json", "effective_from");
  }
}

BOOST_AUTO_TEST_CASE(rules_and_lists) {
  {
    ChannelCopy c;
    c.edit("lottery/2010-01-01.json", [](nlohmann::json& j) { j["rules"].erase("residence_months_min"); });
    expect_error(c, "lottery/2010-01-01.json", "rules.residence_months_min");
  }
  {
    ChannelCopy c;
    c.edit("charity/2010-01-01.json", [](nlohmann::json& j) { j["rules"]["pension_months_min"] = "24"; });
    expect_error(c, "charity/2010-01-01.json", "rules.pension_months_min");
  }
  {
    ChannelCopy c;
    c.edit("lottery/2010-01-01.json", [](nlohmann::json& j) { j["lists"]["serious_illness"][0] = "C97-C00"; });
    expect_error(c, "lottery/2010-01-01.json", "lists.serious_illness");
  }
  {
    ChannelCopy c;
    c.edit("children/2015-07-01.json", [](nlohmann::json& j) { j["rules"]["illness_list"] = "nonexistent"; });
    expect_error(c, "children/2015-07-01.json", "lists.nonexistent");
  }
  {
    ChannelCopy c;
    c.edit("government/2010-01-01.json",
           [](nlohmann::json& j) { j["rules"]["certificates_any_of"] = {"dibao", "passport"}; });
    expect_error(c, "government/2010-01-01.json", "certificates_any_of");
  }
  {
    ChannelCopy c;
    c.edit("charity/2010-01-01.json", [](nlohmann::json& j) { j["funding_source"]["bank_code"] = "12345"; });
    expect_error(c, "charity/2010-01-01.json", "bank_code");
  }
  {
    ChannelCopy c;
    c.edit("charity/2010-01-01.json", [](nlohmann::json& j) { j.erase("sources"); });
    expect_error(c, "charity/2010-01-01.json", "sources");
  }
}

BOOST_AUTO_TEST_CASE(cli_exits_1_and_names_file_and_field) {
  ChannelCopy c;
  c.edit("lottery/2010-01-01.json", [](nlohmann::json& j) { j["ratio_bp"] = -1; });
  cli::Args a;
  a.db_path = c.dir.file("relief.db");
  a.channels_dir = c.root;
  a.words = {"run"};
  a.options["date"] = "2017-01-02";
  a.options["out"] = c.dir.file("out");
  std::ostringstream out, err;
  BOOST_TEST(cli::dispatch(a, out, err) == 1);
  const std::string msg = err.str();
  BOOST_TEST(msg.find("lottery/2010-01-01.json") != std::string::npos, msg);
  BOOST_TEST(msg.find("ratio_bp") != std::string::npos, msg);
  BOOST_TEST(std::count(msg.begin(), msg.end(), '\n') == 1);  // one clear line
}

BOOST_AUTO_TEST_SUITE_END()
