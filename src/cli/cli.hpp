#pragma once
// The command line (SPEC 7). Thin: parse arguments, call the library, show
// the outcome. Exit codes: 0 ok, 1 usage/configuration, 2 input refused,
// 3 reconciliation exceptions, 70 internal failure.
#include <cstdint>
#include <iosfwd>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace relief::cli {

enum Exit { kOk = 0, kUsage = 1, kRefused = 2, kReconcile = 3, kInternal = 70 };

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Args {
  std::string db_path = "relief.db";
  std::string channels_dir;
  std::vector<std::string> words;                   // command words and positionals
  std::map<std::string, std::string> options;       // --name value
  std::map<std::string, bool> flags;                // --name
  std::optional<std::string> option(const std::string& name) const;
  bool flag(const std::string& name) const { return flags.count(name) > 0; }
};

// Option names that take no value.
bool is_flag(const std::string& name);
Args parse_args(int argc, char** argv);
int dispatch(const Args& args, std::ostream& out, std::ostream& err);
std::string usage();

// One function per command, defined next to each other in commands*.cpp.
int cmd_hospitals_import(const Args& a, std::ostream& out, std::ostream& err);
int cmd_registry_import(const Args& a, std::ostream& out, std::ostream& err);
int cmd_ingest(const Args& a, std::ostream& out, std::ostream& err);
int cmd_run(const Args& a, std::ostream& out, std::ostream& err);
int cmd_explain(const Args& a, std::ostream& out, std::ostream& err);
int cmd_export(const Args& a, std::ostream& out, std::ostream& err);
int cmd_reconcile(const Args& a, std::ostream& out, std::ostream& err);  // cmd_reconcile.cpp
int cmd_serve(const Args& a, std::ostream& out, std::ostream& err);
int cmd_tokens_create(const Args& a, std::ostream& out, std::ostream& err);
int cmd_tokens_list(const Args& a, std::ostream& out, std::ostream& err);
int cmd_tokens_revoke(const Args& a, std::ostream& out, std::ostream& err);

std::string default_channels_dir();
// --feed-bytes-max N (default SPEC 3's 64 MiB), shared by ingest, run and serve.
std::int64_t feed_bytes_max(const Args& a);

}  // namespace relief::cli
