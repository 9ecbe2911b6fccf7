#include "src/cli/cli.hpp"

#include <Poco/Exception.h>

#include <iostream>
#include <set>

#include "batch/run.hpp"
#include "channels/channel.hpp"
#include "src/store/db.hpp"
#include "src/util/files.hpp"

namespace relief::cli {

std::optional<std::string> Args::option(const std::string& name) const {
  auto it = options.find(name);
  if (it == options.end()) return std::nullopt;
  return it->second;
}

bool is_flag(const std::string& name) {
  static const std::set<std::string> flags = {"json", "progress", "quiet", "allow-plain-http", "help"};
  return flags.count(name) > 0;
}

std::string default_channels_dir() { return std::string(RELIEF_SOURCE_DIR) + "/channels"; }

Args parse_args(int argc, char** argv) {
  Args a;
  a.channels_dir = default_channels_dir();
  for (int i = 1; i < argc; ++i) {
    std::string w = argv[i];
    if (w.rfind("--", 0) == 0 && w.size() > 2) {
      std::string name = w.substr(2), value;
      auto eq = name.find('=');
      bool has_value = eq != std::string::npos;
      if (has_value) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
      }
      if (is_flag(name)) {
        if (has_value) throw UsageError("--" + name + " takes no value");
        a.flags[name] = true;
        continue;
      }
      if (!has_value) {
        if (i + 1 >= argc) throw UsageError("--" + name + " needs a value");
        value = argv[++i];
      }
      if (name == "db") a.db_path = value;
      else if (name == "channels") a.channels_dir = value;
      else a.options[name] = value;
      continue;
    }
    a.words.push_back(w);
  }
  return a;
}

std::string usage() {
  return "usage: relief [--db PATH] [--channels DIR] COMMAND\n"
         "  hospitals import FILE.csv\n"
         "  registry import FILE.csv\n"
         "  ingest [--json] [--feed-bytes-max N] FEED...\n"
         "  run [--date YYYY-MM-DD] [--inbox DIR] [--out DIR] [--progress]\n"
         "  explain HOSPITAL_CODE CLAIM_ID\n"
         "  export BATCH_ID [--out DIR]\n"
         "  reconcile --channel NAME [--month YYYY-MM | --from D --to D] [--report-dir DIR] STATEMENT\n"
         "  reconcile status --channel NAME [--month YYYY-MM | --from D --to D] [--json]\n"
         "  serve [--listen HOST:PORT] [--tls-cert FILE --tls-key FILE] [--allow-plain-http]\n"
         "  tokens create --role ROLE | tokens list | tokens revoke TOKEN_ID\n";
}

using Handler = int (*)(const Args&, std::ostream&, std::ostream&);
struct CommandEntry {
  std::vector<std::string> words;
  Handler handler;
};

std::vector<CommandEntry>& command_table() {
  static std::vector<CommandEntry> table = {
      {{"hospitals", "import"}, cmd_hospitals_import},
      {{"registry", "import"}, cmd_registry_import},
      {{"ingest"}, cmd_ingest},
      {{"run"}, cmd_run},
      {{"explain"}, cmd_explain},
      {{"export"}, cmd_export},
      {{"reconcile"}, cmd_reconcile},
      {{"serve"}, cmd_serve},
      {{"tokens", "create"}, cmd_tokens_create},
      {{"tokens", "list"}, cmd_tokens_list},
      {{"tokens", "revoke"}, cmd_tokens_revoke},
  };
  return table;
}

void register_command(std::vector<std::string> words, Handler h) { command_table().push_back({std::move(words), h}); }

int dispatch(const Args& args, std::ostream& out, std::ostream& err) {
  if (args.words.empty() || args.flag("help")) {
    (args.words.empty() && !args.flag("help") ? err : out) << usage();
    return args.flag("help") ? kOk : kUsage;
  }
  for (const auto& c : command_table()) {
    if (args.words.size() < c.words.size()) continue;
    bool match = true;
    for (std::size_t i = 0; i < c.words.size(); ++i) match = match && args.words[i] == c.words[i];
    if (!match) continue;
    Args rest = args;
    rest.words.erase(rest.words.begin(), rest.words.begin() + static_cast<long>(c.words.size()));
    try {
      return c.handler(rest, out, err);
    } catch (const UsageError&) {
      throw;
    } catch (const ConfigError& e) {
      err << "relief: configuration error: " << e.what() << "\n";
      return kUsage;
    } catch (const DbError& e) {
      err << "relief: " << e.what() << "\n";
      return kInternal;
    } catch (const IoError& e) {
      err << "relief: " << e.what() << "\n";
      return kInternal;
    } catch (const InvariantError& e) {
      err << "relief: invariant broken, nothing committed: " << e.what() << "\n";
      return kInternal;
    } catch (const Poco::Exception& e) {
      err << "relief: " << e.displayText() << "\n";
      return kInternal;
    } catch (const std::exception& e) {
      err << "relief: internal error: " << e.what() << "\n";
      return kInternal;
    }
  }
  throw UsageError("unknown command '" + args.words[0] + "'");
}

}  // namespace relief::cli
