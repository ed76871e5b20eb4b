#include "cli/daemon.hpp"

#include <filesystem>

#include "api/tls/tls_setup.hpp"
#include "cli/runc_paths.hpp"
#include "common/files.hpp"
#include "common/log.hpp"
#include "runtime/linux/seccomp_profile.hpp"
#include "runtime/oci_spec.hpp"
#include "runtime/shim/log_writer.hpp"
#include "svc/access_keys.hpp"
#include "svc/actions.hpp"
#include "svc/secrets.hpp"

namespace berth::cli {
namespace {

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

// The state directories: the data dir private to root, the run dir and the socket's directory
// open to the socket's group.
Result<void> make_state_dirs(const Config& config) {
  BERTH_TRY(make_dirs(config.data_dir, 0700));
  BERTH_TRY(make_dirs(config.run_dir, 0750));
  if (!config.socket_path.empty()) {
    BERTH_TRY(make_dirs(std::filesystem::path(config.socket_path).parent_path().string(), 0750));
  }
  return {};
}

}  // namespace

model::Json RuntimeLogs::read(const std::string& runtime_id) {
  model::Json out = model::Json::array();
  for (const auto& line : runtime::read_log(m_runtime.log_path(runtime_id), m_keep_files)) {
    out.push_back({{"time", line.time}, {"stream", line.stream}, {"text", line.text}});
  }
  return out;
}

Result<void> SvcInstanceRegistrar::register_node(const agent::NodeRegistration& node) {
  BERTH_TRY(svc::register_node(m_ctx, node));
  return {};
}

Result<std::unique_ptr<Daemon>> Daemon::open(const Config& config, const agent::AgentConfig& agent_config) {
  BERTH_TRY(make_state_dirs(config));
  DaemonResources resources;
  resources.clock = std::make_unique<SystemClock>();
  BERTH_ASSIGN(resources.store, store::Store::open(config.db_path()));
  BERTH_ASSIGN(resources.secrets_key, api::auth::load_or_create_secret_key(config.secrets_key_path()));
  BERTH_ASSIGN(const bool created, resources.store->ensure_cluster(config.cluster, resources.clock->now_ms()));
  if (created) log_info("created cluster " + config.cluster);
  BERTH_ASSIGN(resources.images, runtime::ImageStore::open(config.data_dir + "/images", *resources.clock));
  check_seccomp();
  BERTH_ASSIGN(resources.tls, prepare_listener_tls(config));
  BERTH_ASSIGN(resources.audit, api::AuditLog::open(config.data_dir + "/audit.log"));
  return std::unique_ptr<Daemon>(new Daemon(config, agent_config, std::move(resources)));
}

Daemon::Daemon(const Config& config, const agent::AgentConfig& agent_config, DaemonResources resources)
    : m_config(config),
      m_resources(std::move(resources)),
      m_secret_cipher(m_resources.secrets_key),
      m_runc_paths(runc_paths(config)),
      m_runtime(m_runc_paths, agent_config.network),
      m_logs(m_runtime, m_runc_paths.log_files),
      m_ctx{.store = *m_resources.store,
            .clock = *m_resources.clock,
            .arns = ArnScope{config.region, config.account},
            .default_cluster = config.cluster,
            .events = this,
            .logs = &m_logs,
            .dynamic_host_ports = agent_config.dynamic_host_ports,
            .time_zones = std::make_shared<svc::TimeZoneLibrary>(config.zoneinfo_dir),
            .secret_cipher = &m_secret_cipher},
      m_registrar(m_ctx),
      // The agent's links: it registers through svc; a recorded task change wakes the service
      // scheduler; containers' secrets come from svc's secrets store.
      m_agent(*m_resources.store, m_runtime, *m_resources.images, *m_resources.clock, agent_config,
              {.registrar = m_registrar,
               .on_task_changed = [this] { m_scheduler.wake(); },
               .resolve_secret = [this](const std::string& value_from) {
                 return svc::resolve_secret_reference(m_ctx, value_from);
               }}),
      m_scheduler(m_ctx, EpochMs{config.task_settle_seconds} * 1000),
      m_schedule_runner(m_ctx),
      m_scaling_runner(m_ctx),
      m_keys(m_ctx),
      m_auth(m_keys, *m_resources.clock,
             {config.tcp_auth ? api::TcpAuth::sigv4 : api::TcpAuth::off, config.socket_path, config.region,
              config.account}),
      m_api_services{m_ctx, m_auth, m_resources.audit.get()} {}

Daemon::~Daemon() { stop(); }

void Daemon::tasks_changed() {
  m_agent.wake();
  m_scheduler.wake();
}

void Daemon::schedules_changed() { m_schedule_runner.wake(); }

void Daemon::access_key_deleted(const std::string& access_key_id) { m_keys.forget(access_key_id); }

Result<std::string> Daemon::start() {
  BERTH_ASSIGN(const std::string instance, m_agent.register_instance());
  m_agent.start();
  m_scheduler.start();
  m_schedule_runner.start();
  m_scaling_runner.start();
  const auto started = [&]() -> Result<void> {
    BERTH_TRY(write_first_credentials());
    if (!m_config.tcp_auth) {
      log_warn("BERTH_AUTH=off: TCP requests are taken unsigned, with full rights, from anyone who can reach " +
               m_config.listen);
    }
    api::ServerOptions server_options{m_config.listen, m_config.socket_path, m_config.max_body_bytes};
    server_options.tls = m_resources.tls;
    BERTH_ASSIGN(m_server, api::HttpServer::start(m_api_services, server_options));
    return {};
  }();
  if (!started) {
    stop();
    return std::unexpected(started.error());
  }
  std::string where;
  if (!m_config.listen.empty()) {
    const auto host = m_config.listen.substr(0, m_config.listen.rfind(':'));
    where += (m_resources.tls ? "https://" : "http://") + host + ":" + std::to_string(m_server->tcp_port());
  }
  if (!m_config.socket_path.empty()) where += (where.empty() ? "" : " and ") + m_config.socket_path;
  return "API ready on " + where + " (cluster " + m_config.cluster + ", instance " + instance + ", state " +
         m_config.db_path() + ")";
}

void Daemon::stop() {
  if (m_server) m_server->stop();
  m_scaling_runner.stop();
  m_schedule_runner.stop();
  m_scheduler.stop();
  m_agent.stop();
}

// At first start: an admin key, written in the AWS shared-credentials format (profile "berth",
// with berth's region, which botocore reads from there too) so `aws` works on the gateway with
// no further step. Later starts write nothing, even if the file was deleted on purpose.
Result<void> Daemon::write_first_credentials() {
  BERTH_ASSIGN(auto key, svc::create_first_admin_key(m_ctx));
  if (!key) return {};
  const std::string path = m_config.credentials_path();
  const std::string text = "# berth's first admin key. Use it with\n"
                           "#   AWS_SHARED_CREDENTIALS_FILE=" + path + " AWS_PROFILE=berth aws ecs ... --endpoint-url URL\n"
                           "# Make narrower keys with `berth key create NAME --policy read-only|FILE`.\n"
                           "[berth]\naws_access_key_id = " + key->access_key_id +
                           "\naws_secret_access_key = " + key->secret + "\nregion = " + m_config.region + "\n";
  if (auto written = write_file_atomic(path, text, 0600); !written) {
    // Without the file nobody knows the key: take it back so the next start tries again.
    (void)svc::delete_access_key(m_ctx, key->access_key_id);
    return std::unexpected(written.error().wrap("write the first admin key to " + path));
  }
  log_info("created admin access key " + key->access_key_id + "; credentials in " + path);
  return {};
}

}  // namespace berth::cli
