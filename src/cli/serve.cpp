// relief serve, relief tokens create|list|revoke.
#include <pthread.h>
#include <signal.h>

#include <iostream>

#include <fmt/format.h>

#include "channels/channel.hpp"
#include "src/cli/cli.hpp"
#include "src/reconcile/reconcile.hpp"
#include "src/server/server.hpp"
#include "src/server/tokens.hpp"
#include "src/store/feed_store.hpp"

namespace relief::cli {

int cmd_serve(const Args& a, std::ostream& out, std::ostream& err) {
  if (!a.words.empty()) throw UsageError("serve takes no positional arguments");
  ServerConfig cfg;
  cfg.db_path = a.db_path;
  cfg.tls_cert = a.option("tls-cert").value_or("");
  cfg.tls_key = a.option("tls-key").value_or("");
  cfg.listen = a.option("listen").value_or(cfg.tls_cert.empty() ? "127.0.0.1:8080" : "127.0.0.1:8443");
  cfg.allow_plain_http = a.flag("allow-plain-http");
  cfg.feed_bytes_max = feed_bytes_max(a);
  cfg.access_log = &err;
  ChannelSet channels = ChannelSet::load(a.channels_dir);
  for (const auto& e : channels.in_payment_order())
    cfg.fund_accounts[e.module->name()] = channel_fund_accounts(channels, e.module->name());
  Db::open(cfg.db_path);  // migrate once, and fail here with one line if the database is unusable

  // SIGINT/SIGTERM are taken by sigwait below: block them before any thread starts.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  std::unique_ptr<Server> server;
  try {
    server = std::make_unique<Server>(cfg);
  } catch (const ServerConfigError& e) {
    err << "relief: " << e.what() << "\n";
    return kUsage;
  }
  server->start();
  out << fmt::format("relief: serving {} (threads {}, queue {}, feeds up to {} bytes); Ctrl-C stops\n", server->url(),
                     cfg.threads, cfg.queue, cfg.feed_bytes_max)
      << std::flush;
  int sig = 0;
  sigwait(&stop_signals, &sig);
  server->stop();
  out << "relief: stopped\n";
  return kOk;
}

int cmd_tokens_create(const Args& a, std::ostream& out, std::ostream& err) {
  if (!a.words.empty()) throw UsageError("tokens create takes only --role ROLE");
  auto text = a.option("role");
  if (!text) throw UsageError("tokens create needs --role hospital:<code> | civil-affairs | fund:<channel>");
  auto role = parse_role(*text);
  if (!role) throw UsageError("--role must be hospital:<code>, civil-affairs or fund:<channel>, got '" + *text + "'");
  auto db = Db::open(a.db_path);
  if (role->kind == Role::Kind::hospital && !hospital_exists(*db, role->scope)) {
    err << "relief: hospital " << role->scope << " is not in the hospital registry (relief hospitals import)\n";
    return kUsage;
  }
  if (role->kind == Role::Kind::fund && !ChannelSet::load(a.channels_dir).find(role->scope)) {
    err << "relief: no channel " << role->scope << " in " << a.channels_dir << "\n";
    return kUsage;
  }
  NewToken t = create_token(*db, *role);
  // The secret goes to stdout alone on its line; it is not shown again.
  err << fmt::format("token {} for {} created; keep it now, it cannot be shown again\n", t.token_id, role->text());
  out << t.secret << "\n";
  return kOk;
}

int cmd_tokens_list(const Args& a, std::ostream& out, std::ostream&) {
  if (!a.words.empty()) throw UsageError("tokens list takes no arguments");
  auto db = Db::open(a.db_path);
  out << "token_id      role                  created_at                     revoked_at\n";
  for (const auto& t : list_tokens(*db))
    out << fmt::format("{:<13} {:<21} {:<30} {}\n", t.token_id, t.role, t.created_at, t.revoked_at.value_or("-"));
  return kOk;
}

int cmd_tokens_revoke(const Args& a, std::ostream& out, std::ostream& err) {
  if (a.words.size() != 1) throw UsageError("tokens revoke needs one TOKEN_ID (see tokens list)");
  auto db = Db::open(a.db_path);
  if (!revoke_token(*db, a.words[0])) {
    err << "relief: no live token " << a.words[0] << "\n";
    return kUsage;
  }
  out << "token " << a.words[0] << " revoked\n";
  return kOk;
}

}  // namespace relief::cli
