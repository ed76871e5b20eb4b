// `berth serve`: the daemon. Builds the store, the image store, the runc runtime, the local
// agent and the API server, then waits for SIGTERM/SIGINT.
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "agent/agent.hpp"
#include "api/audit_log.hpp"
#include "api/auth/aes_gcm_cipher.hpp"
#include "api/http_server.hpp"
#include "api/tls/tls_setup.hpp"
#include "cli/usage.hpp"
#include "common/files.hpp"
#include "common/log.hpp"
#include "common/numbers.hpp"
#include "runtime/image/image_store.hpp"
#include "runtime/linux/seccomp_profile.hpp"
#include "runtime/oci_spec.hpp"
#include "runtime/runc/runc_runtime.hpp"
#include "runtime/shim/log_writer.hpp"
#include "store/store.hpp"
#include "svc/access_keys.hpp"
#include "svc/context.hpp"
#include "svc/schedule_runner.hpp"
#include "svc/secrets.hpp"
#include "svc/service_scheduler.hpp"
#include "cli/verb_config.hpp"
#include "cli/verbs.hpp"

namespace berth::cli {
namespace {

class RuntimeLogs final : public svc::LogSource {
 public:
  RuntimeLogs(runtime::Runtime& runtime, int keep_files) : m_runtime(runtime), m_keep_files(keep_files) {}
  model::Json read(const std::string& runtime_id) override {
    model::Json out = model::Json::array();
    for (const auto& line : runtime::read_log(m_runtime.log_path(runtime_id), m_keep_files)) {
      out.push_back({{"time", line.time}, {"stream", line.stream}, {"text", line.text}});
    }
    return out;
  }

 private:
  runtime::Runtime& m_runtime;
  int m_keep_files;
};

// The default seccomp profile is checked once per start against this build's architecture.
void check_seccomp() {
  auto report = runtime::check_seccomp_profile(runtime::default_seccomp_profile(runtime::default_capabilities()));
  if (!report) {
    log_error("the default seccomp profile does not compile: " + report.error().message);
    return;
  }
  std::string unknown;
  for (const auto& name : report->unknown) unknown += " " + name;
  log_info("seccomp profile for " + report->architecture + ": " + std::to_string(report->resolved) +
           " syscalls resolved" + (unknown.empty() ? "" : "; unknown to this libseccomp (skipped):" + unknown));
}

// Returns the TLS server config the TCP listener carries (null for plain HTTP), generating the
// certificate at the first start, and logs the mode.
Result<std::shared_ptr<api::tls::TlsServerConfig>> prepare_listener_tls(const Config& config) {
  BERTH_ASSIGN(const auto plan, api::tls::plan_tls(config));
  if (plan.off_beyond_loopback) {
    log_warn("BERTH_TLS=off: the API on " + config.listen +
             " is plain HTTP beyond loopback; requests are signed but readable and alterable on the network");
  }
  if (!plan.enabled) {
    if (!config.listen.empty() && !plan.off_beyond_loopback) {
      log_info("TLS off (BERTH_TLS=" + config.tls_mode + "): plain HTTP on loopback");
    }
    return nullptr;
  }
  BERTH_ASSIGN(auto prepared, api::tls::prepare_tls(plan));
  if (prepared.generated == api::tls::Generated::yes) {
    log_info("generated a self-signed TLS certificate at " + plan.paths.certificate);
  }
  log_info("TLS on (BERTH_TLS=" + config.tls_mode + ", TLS 1.2): certificate " + plan.paths.certificate +
           ", SHA-256 " + prepared.server->fingerprint());
  return std::move(prepared.server);
}

// At first start: an admin key, written in the AWS shared-credentials format (profile "berth",
// with berth's region, which botocore reads from there too) so `aws` works on the gateway with
// no further step. Later starts write nothing, even if the file was deleted on purpose.
Result<void> write_first_credentials(svc::Context& ctx, const Config& config) {
  BERTH_ASSIGN(auto key, svc::create_first_admin_key(ctx));
  if (!key) return {};
  const std::string path = config.credentials_path();
  const std::string text = "# berth's first admin key. Use it with\n"
                           "#   AWS_SHARED_CREDENTIALS_FILE=" + path + " AWS_PROFILE=berth aws ecs ... --endpoint-url URL\n"
                           "# Make narrower keys with `berth key create NAME --policy read-only|FILE`.\n"
                           "[berth]\naws_access_key_id = " + key->access_key_id +
                           "\naws_secret_access_key = " + key->secret + "\nregion = " + config.region + "\n";
  if (auto written = write_file_atomic(path, text, 0600); !written) {
    // Without the file nobody knows the key: take it back so the next start tries again.
    (void)svc::delete_access_key(ctx, key->access_key_id);
    return std::unexpected(written.error().wrap("write the first admin key to " + path));
  }
  log_info("created admin access key " + key->access_key_id + "; credentials in " + path);
  return {};
}

std::string self_executable() {
  std::error_code ec;
  const auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? "berth" : path.string();
}

}  // namespace

int serve_verb(const Words& words) {
  auto config = config_of_verb(words, "serve");
  if (!config) return config.error();
  set_log_level(config->log_level);
  auto agent_config = agent::AgentConfig::from(*config);
  if (!agent_config) return usage_error(agent_config.error().message, "serve");

  // Signals are taken by sigwait below: block them before any thread exists.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  const auto fail_start = [](const Error& error) {
    log_error("cannot start: " + error.message);
    return 1;
  };
  for (const auto& [dir, mode] : {std::pair{config->data_dir, 0700u}, std::pair{config->run_dir, 0750u}}) {
    if (auto ok = make_dirs(dir, mode); !ok) return fail_start(ok.error());
  }
  if (!config->socket_path.empty()) {
    const auto dir = std::filesystem::path(config->socket_path).parent_path().string();
    if (auto ok = make_dirs(dir, 0750); !ok) return fail_start(ok.error());
  }

  auto store = store::Store::open(config->db_path());
  if (!store) return fail_start(store.error());
  // Secret values are sealed under this key; it lives outside berth.db.
  auto secrets_key = api::auth::load_or_create_secret_key(config->secrets_key_path());
  if (!secrets_key) return fail_start(secrets_key.error());
  api::auth::AesGcmCipher secret_cipher(*secrets_key);
  SystemClock clock;
  if (auto created = (*store)->ensure_cluster(config->cluster, clock.now_ms()); !created) {
    return fail_start(created.error());
  } else if (*created) {
    log_info("created cluster " + config->cluster);
  }
  auto images = runtime::ImageStore::open(config->data_dir + "/images", clock);
  if (!images) return fail_start(images.error());
  runtime::RuncPaths paths;
  paths.runc_root = config->run_dir + "/runc";
  paths.state_root = config->run_dir + "/containers";
  paths.bundle_root = config->data_dir + "/bundles";
  paths.log_root = config->data_dir + "/logs";
  paths.self_exe = self_executable();
  runtime::RuncRuntime runtime(paths);
  check_seccomp();

  auto tls = prepare_listener_tls(*config);
  if (!tls) return fail_start(tls.error());

  agent::Agent agent(**store, runtime, **images, clock, *agent_config);
  auto instance = agent.register_instance();
  if (!instance) return fail_start(instance.error());

  RuntimeLogs logs(runtime, paths.log_files);
  svc::Context ctx{**store, clock, ArnScope{config->region, config->account}, config->cluster};
  svc::ServiceScheduler scheduler(ctx, EpochMs{config->task_settle_seconds} * 1000);
  agent.on_task_changed([&scheduler] { scheduler.wake(); });
  ctx.tasks_changed = [&agent, &scheduler] {
    agent.wake();
    scheduler.wake();
  };
  ctx.logs = &logs;
  ctx.secret_cipher = &secret_cipher;
  agent.set_secret_resolver([&ctx](const std::string& value_from) { return svc::resolve_secret_reference(ctx, value_from); });
  ctx.dynamic_host_ports = agent_config->dynamic_host_ports;
  ctx.zoneinfo_dir = config->zoneinfo_dir;
  svc::ScheduleRunner schedule_runner(ctx);
  ctx.schedules_changed = [&schedule_runner] { schedule_runner.wake(); };
  agent.start();
  scheduler.start();
  schedule_runner.start();
  if (auto ok = write_first_credentials(ctx, *config); !ok) return fail_start(ok.error());
  if (!config->tcp_auth) {
    log_warn("BERTH_AUTH=off: TCP requests are taken unsigned, with full rights, from anyone who can reach " +
             config->listen);
  }
  api::auth::KeyRing keys(ctx);
  api::RequestAuth auth(keys, clock,
                        {config->tcp_auth ? api::TcpAuth::sigv4 : api::TcpAuth::off, config->socket_path,
                         config->region, config->account});
  auto audit = api::AuditLog::open(config->data_dir + "/audit.log");
  if (!audit) return fail_start(audit.error());
  api::ApiServices api_services{ctx, auth, audit->get()};
  api::ServerOptions server_options{config->listen, config->socket_path, config->max_body_bytes};
  server_options.tls = *tls;
  auto server = api::HttpServer::start(api_services, server_options);
  if (!server) {
    schedule_runner.stop();
    scheduler.stop();
    agent.stop();
    return fail_start(server.error());
  }
  std::string where;
  if (!config->listen.empty()) {
    const auto host = config->listen.substr(0, config->listen.rfind(':'));
    where += (*tls ? "https://" : "http://") + host + ":" + std::to_string((*server)->tcp_port());
  }
  if (!config->socket_path.empty()) where += (where.empty() ? "" : " and ") + config->socket_path;
  log_info("API ready on " + where + " (cluster " + config->cluster + ", instance " + *instance + ", state " +
           config->db_path() + ")");

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  log_info(std::string("stopping on ") + (signal_number == SIGINT ? "SIGINT" : "SIGTERM") +
           "; containers keep running");
  (*server)->stop();
  schedule_runner.stop();
  scheduler.stop();
  agent.stop();
  log_info("stopped");
  return 0;
}

}  // namespace berth::cli
