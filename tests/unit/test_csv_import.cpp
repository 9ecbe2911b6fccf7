// SPEC 2.2 / 2.3 and issue 2 item 5: the registry CSV files. RFC 4180,
// UTF-8 (BOM tolerated), header in any column order, all or nothing with
// every bad line listed by line number and column.
#include <boost/test/unit_test.hpp>

#include <sstream>

#include "adapters/registry/registry_csv.hpp"
#include "src/cli/cli.hpp"
#include "src/store/registry_store.hpp"
#include "tests/unit/test_support.hpp"

using namespace relief;
using namespace relief::test;

namespace {

const char* kHospitalHeader = "code,name,designated,account,bank_code,bank_name\n";
const char* kRegistryHeader =
    "id_number,name,hukou,dibao,disability,student,pension_months,residence_months,works_in_gz,hardship,"
    "lives_with_parents,parents\n";

bool has_error(const std::vector<CsvError>& errors, std::int64_t line, const std::string& column) {
  for (const auto& e : errors)
    if (e.line == line && e.column == column) return true;
  return false;
}

std::string dump_hospitals(Db& db) {
  return query_text(db, "SELECT group_concat(code || '|' || name || '|' || designated || '|' || account || '|' || "
                        "bank_code || '|' || bank_name, ';') FROM (SELECT * FROM hospitals ORDER BY code)");
}

std::string dump_persons(Db& db) {
  return query_text(db, "SELECT group_concat(id_number || '|' || name || '|' || hukou || '|' || dibao || '|' || "
                        "residence_months || '|' || parents, ';') FROM (SELECT * FROM persons ORDER BY id_number)");
}

struct CliRun {
  int status = -1;
  std::string out, err;
};

CliRun run_import(const std::string& db_path, const char* what, const std::string& file) {
  cli::Args a;
  a.db_path = db_path;
  a.words = {file};
  std::ostringstream out, err;
  CliRun r;
  r.status = std::string(what) == "hospitals" ? cli::cmd_hospitals_import(a, out, err)
                                              : cli::cmd_registry_import(a, out, err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(csv_import)

BOOST_AUTO_TEST_CASE(hospitals_header_in_any_order) {
  std::string csv =
      "bank_name,account,code,designated,name,bank_code\n"
      "中国工商银行,3602000109000123456,H0001,true,第一医院,102581000013\n"
      "建设银行,44050146,H0002,false,社区医院,105581000016\n";
  std::vector<CsvError> errors;
  auto rows = read_hospitals_csv(csv, errors);
  BOOST_REQUIRE(errors.empty());
  BOOST_REQUIRE(rows.size() == 2u);
  BOOST_TEST(rows[0].code == "H0001");
  BOOST_TEST(rows[0].name == "第一医院");
  BOOST_TEST(rows[0].designated);
  BOOST_TEST(rows[0].account == "3602000109000123456");
  BOOST_TEST(rows[0].bank_code == "102581000013");
  BOOST_TEST(rows[0].bank_name == "中国工商银行");
  BOOST_TEST(!rows[1].designated);
  BOOST_TEST(rows[1].account == "44050146");
}

BOOST_AUTO_TEST_CASE(rfc4180_quoting_bom_and_crlf) {
  std::string csv = "\xEF\xBB\xBF"
                    "code,name,designated,account,bank_code,bank_name\r\n"
                    "H0001,\"Hospital, \"\"North\"\"\nWing\",true,\"3602000109000123456\",102581000013,\"Bank\"\r\n"
                    "\"H0002\",\"\",false,44050146,105581000016,Bank\r\n";
  std::vector<CsvError> errors;
  auto rows = read_hospitals_csv(csv, errors);
  // Row 2 has an empty name: its error is on line 4 (the quoted newline of row 1 spans lines 2-3).
  BOOST_REQUIRE(errors.size() == 1u);
  BOOST_TEST(errors[0].line == 4);
  BOOST_TEST(errors[0].column == "name");

  std::string good = "\xEF\xBB\xBF"
                     "code,name,designated,account,bank_code,bank_name\r\n"
                     "H0001,\"Hospital, \"\"North\"\"\nWing\",true,\"3602000109000123456\",102581000013,\"Bank\"\r\n";
  errors.clear();
  rows = read_hospitals_csv(good, errors);
  BOOST_REQUIRE(errors.empty());
  BOOST_REQUIRE(rows.size() == 1u);
  BOOST_TEST(rows[0].code == "H0001");  // the BOM is not part of the first column's name
  BOOST_TEST(rows[0].name == "Hospital, \"North\"\nWing");
  BOOST_TEST(rows[0].bank_name == "Bank");
}

BOOST_AUTO_TEST_CASE(structural_errors) {
  std::vector<CsvError> errors;
  read_hospitals_csv(std::string(kHospitalHeader) + "H0001,\"unterminated,true,12345678,102581000013,B\n", errors);
  BOOST_TEST(!errors.empty());
  errors.clear();
  read_hospitals_csv(std::string(kHospitalHeader) + "H0001,a\"b,true,12345678,102581000013,B\n", errors);
  BOOST_TEST(has_error(errors, 2, ""));
  errors.clear();
  read_hospitals_csv(std::string(kHospitalHeader) + "H0001,name,true,12345678,102581000013\n", errors);
  BOOST_TEST(has_error(errors, 2, ""));
  errors.clear();
  read_hospitals_csv(std::string(kHospitalHeader) + "H0001,\xC3\x28,true,12345678,102581000013,B\n", errors);
  BOOST_TEST(has_error(errors, 2, ""));  // invalid UTF-8
  errors.clear();
  read_hospitals_csv("", errors);
  BOOST_TEST(!errors.empty());
}

BOOST_AUTO_TEST_CASE(header_problems_are_named) {
  std::vector<CsvError> errors;
  read_hospitals_csv("code,name,designated,account,bank_code\n", errors);
  BOOST_TEST(has_error(errors, 1, "bank_name"));
  errors.clear();
  read_hospitals_csv("code,name,designated,account,bank_code,bank_name,extra\n", errors);
  BOOST_TEST(has_error(errors, 1, "extra"));
  errors.clear();
  read_hospitals_csv("code,name,designated,account,bank_code,bank_name,code\n", errors);
  BOOST_TEST(has_error(errors, 1, "code"));
}

BOOST_AUTO_TEST_CASE(every_bad_hospital_row_is_listed) {
  std::string csv = std::string(kHospitalHeader) +
                    "H0001,ok,true,3602000109000123456,102581000013,B\n"   // 2 good
                    "H-1,bad code,true,3602000109000123456,102581000013,B\n"  // 3 code
                    "H0003,x,yes,3602000109000123456,102581000013,B\n"       // 4 designated
                    "H0004,x,true,1234567,102581000013,B\n"                  // 5 account (7 digits)
                    "H0005,x,true,12345678,10258100001,B\n"                  // 6 bank_code (11 digits)
                    "H0001,again,true,3602000109000123456,102581000013,B\n";  // 7 code twice
  std::vector<CsvError> errors;
  read_hospitals_csv(csv, errors);
  BOOST_TEST(errors.size() == 5u);
  BOOST_TEST(has_error(errors, 3, "code"));
  BOOST_TEST(has_error(errors, 4, "designated"));
  BOOST_TEST(has_error(errors, 5, "account"));
  BOOST_TEST(has_error(errors, 6, "bank_code"));
  BOOST_TEST(has_error(errors, 7, "code"));
}

BOOST_AUTO_TEST_CASE(structural_and_value_errors_are_all_listed) {
  // A row with a wrong field count must not hide the value errors of other rows.
  std::string csv = std::string(kHospitalHeader) +
                    "H0001,x,true,3602000109000123456,102581000013\n"      // 2: 5 fields
                    "H0002,x,maybe,3602000109000123456,102581000013,B\n";  // 3: designated
  std::vector<CsvError> errors;
  read_hospitals_csv(csv, errors);
  BOOST_TEST(has_error(errors, 2, ""));
  BOOST_TEST(has_error(errors, 3, "designated"));
}

BOOST_AUTO_TEST_CASE(registry_rows_and_defaults) {
  std::string csv =
      "parents,residence_months,id_number,name,hukou,dibao,disability,student,pension_months,works_in_gz,hardship,"
      "lives_with_parents\n"
      "440106198001010019;440106198001010027,30,440106201003150036,child,nonlocal,none,false,none,0,false,true,true\n"
      ",0,11010519491231002x,\"Li, \"\"Si\"\"\",local,urban,true,university,120,true,false,false\n";
  std::vector<CsvError> errors;
  auto rows = read_registry_csv(csv, errors);
  BOOST_REQUIRE(errors.empty());
  BOOST_REQUIRE(rows.size() == 2u);
  BOOST_TEST(rows[0].id_number == "440106201003150036");
  BOOST_TEST(rows[0].parents.size() == 2u);
  BOOST_TEST(rows[0].parents[1] == "440106198001010027");
  BOOST_TEST(rows[0].residence_months == 30);
  BOOST_TEST(rows[0].hardship);
  BOOST_TEST(rows[0].lives_with_parents);
  BOOST_TEST(rows[0].in_registry);
  BOOST_TEST(rows[1].id_number == "11010519491231002X");  // x -> X
  BOOST_TEST(rows[1].name == "Li, \"Si\"");
  BOOST_TEST((rows[1].hukou == Hukou::local));
  BOOST_TEST((rows[1].dibao == Dibao::urban));
  BOOST_TEST((rows[1].student == Student::university));
  BOOST_TEST(rows[1].pension_months == 120);
  BOOST_TEST(rows[1].parents.empty());
}

BOOST_AUTO_TEST_CASE(every_bad_registry_row_is_listed) {
  std::string csv = std::string(kRegistryHeader) +
                    "440106198001010019,a,nonlocal,none,false,none,0,0,false,false,false,\n"    // 2 good
                    "440106198001010018,b,nonlocal,none,false,none,0,0,false,false,false,\n"    // 3 check char
                    "440106198001010027,c,elsewhere,none,false,none,0,0,false,false,false,\n"   // 4 hukou
                    "440106201003150036,d,local,gold,false,none,-1,0,false,false,false,\n"      // 5 dibao, pension
                    "110101199003074514,e,local,none,false,school,0,0,false,false,false,123\n"  // 6 student, parents
                    "440106198001010019,f,local,none,false,none,0,0,false,false,false,\n";      // 7 twice
  std::vector<CsvError> errors;
  auto rows = read_registry_csv(csv, errors);
  BOOST_TEST(has_error(errors, 3, "id_number"));
  BOOST_TEST(has_error(errors, 4, "hukou"));
  BOOST_TEST(has_error(errors, 5, "dibao"));
  BOOST_TEST(has_error(errors, 5, "pension_months"));
  BOOST_TEST(has_error(errors, 6, "student"));
  BOOST_TEST(has_error(errors, 6, "parents"));
  BOOST_TEST(has_error(errors, 7, "id_number"));
  BOOST_TEST(!has_error(errors, 2, "id_number"));
  for (const auto& e : errors) BOOST_TEST(e.reason.find("440106198001010018") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(cli_import_all_or_nothing) {
  TempDir dir;
  std::string db_path = dir.file("relief.db");
  std::string good = dir.file("good.csv");
  write_file(good, std::string(kHospitalHeader) + "H0001,第一医院,true,3602000109000123456,102581000013,工行\n");
  auto first = run_import(db_path, "hospitals", good);
  BOOST_TEST(first.status == 0);
  std::string before;
  {
    auto db = Db::open(db_path);
    before = dump_hospitals(*db);
  }
  BOOST_TEST(before.find("H0001|第一医院|1") != std::string::npos);

  // A file that would change H0001 and add H0002, but has two bad lines.
  std::string bad = dir.file("bad.csv");
  write_file(bad, std::string(kHospitalHeader) +
                      "H0001,renamed,false,3602000109000123456,102581000013,工行\n"
                      "H0002,new,true,44050146010100000123,105581000016,建行\n"
                      "H0003,x,true,abc,105581000016,建行\n"
                      "H0004,x,true,44050146010100000123,1055810000,建行\n");
  auto second = run_import(db_path, "hospitals", bad);
  BOOST_TEST(second.status == 2);
  BOOST_TEST(second.err.find(bad + ":4: column account:") != std::string::npos, second.err);
  BOOST_TEST(second.err.find(bad + ":5: column bank_code:") != std::string::npos, second.err);
  BOOST_TEST(second.err.find("nothing imported") != std::string::npos);
  auto db = Db::open(db_path);
  BOOST_TEST(dump_hospitals(*db) == before);
}

BOOST_AUTO_TEST_CASE(cli_registry_reimport_replaces_named_people) {
  TempDir dir;
  std::string db_path = dir.file("relief.db");
  std::string a = dir.file("a.csv");
  write_file(a, std::string(kRegistryHeader) +
                    "440106198001010019,one,nonlocal,none,false,none,0,5,false,false,false,\n"
                    "440106198001010027,two,local,none,false,none,0,7,false,false,false,\n");
  BOOST_TEST(run_import(db_path, "registry", a).status == 0);
  std::string b = dir.file("b.csv");
  write_file(b, std::string(kRegistryHeader) + "440106198001010019,one,nonlocal,none,false,none,0,6,false,false,false,\n");
  BOOST_TEST(run_import(db_path, "registry", b).status == 0);
  std::string bad = dir.file("bad.csv");
  write_file(bad, std::string(kRegistryHeader) +
                      "440106198001010027,two,local,none,false,none,0,99,false,false,false,\n"
                      "440106198001010034,three,local,none,false,none,0,1,false,false,false,\n");
  auto r = run_import(db_path, "registry", bad);
  BOOST_TEST(r.status == 2);
  BOOST_TEST(r.err.find(":3: column id_number:") != std::string::npos, r.err);
  BOOST_TEST(r.err.find("440106198001010034") == std::string::npos);  // masked in messages
  auto db = Db::open(db_path);
  BOOST_TEST(dump_persons(*db) == "440106198001010019|one|nonlocal|none|6|;440106198001010027|two|local|none|7|");
}

BOOST_AUTO_TEST_SUITE_END()
