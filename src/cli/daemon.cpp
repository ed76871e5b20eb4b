#include "cli/daemon.hpp"

#include <filesystem>

#include "api/auth/scrape_token.hpp"
#include "api/tls/tls_setup.hpp"
#include "cli/advertised_endpoint.hpp"
#include "cli/metric_limits.hpp"
#include "cli/runc_paths.hpp"
#include "common/files.hpp"
#include "common/log.hpp"
#include "common/numbers.hpp"
#include "runtime/lb/target_probe.hpp"
#include "runtime/log_attributes_file.hpp"
#include "runtime/linux/process.hpp"
#include "runtime/linux/seccomp_profile.hpp"
#include "runtime/network/bridge_network.hpp"
#include "runtime/network/bridge_gateway.hpp"
#include "runtime/oci_spec.hpp"
#include "runtime/shim/log_writer.hpp"
#include "svc/access_keys.hpp"
#include "svc/actions.hpp"
#include "svc/metrics_recorder.hpp"
#include "svc/secrets.hpp"
#include "svc/service_discovery.hpp"

namespace berth::cli {
namespace {

// The default seccomp profile is checked once per start against this build's architecture (and
// so built ahead of the first container's start, which shares it).
void check_seccomp() {
  auto report = runtime::check_seccomp_profile(runtime::shared_seccomp_profile(runtime::default_capabilities())->rules);
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

model::Json RuntimeLogs::attributes(const std::string& runtime_id) {
  return model::Json(runtime::read_log_attributes(m_runtime.log_path(runtime_id)));
}

Result<std::string> SvcInstanceRegistrar::register_node(const agent::NodeRegistration& node) {
  BERTH_TRY(svc::register_node(m_ctx, node));
  return node.instance_id;
}

namespace {

// The scheduler leadership of a replicated control plane: each server asks its node every second
// whether it leads the Raft cluster; the one that does takes the term at once (a dead leader's
// schedulers are replaced about one election, 1.5 s in cli/replicated, and a second after it
// died). A holder whose node or store did not answer for 3 s stops acting: an election keeps
// the store away for about 2 s, so a surviving holder keeps its term through one.
svc::LeadershipSettings replicated_leadership() {
  svc::LeadershipSettings settings;
  settings.check_every_ms = 1'000;
  settings.valid_for_ms = 3'000;
  return settings;
}

// Remote agents' bounds. A parked poll is a heartbeat only when it ends, so it never waits
// longer than a third of the lost timeout.
svc::RemoteAgentSettings remote_agent_settings(const Config& config) {
  svc::RemoteAgentSettings settings;
  settings.lost_after_ms = EpochMs{config.instance_lost_seconds} * 1000;
  settings.max_poll_wait = std::min(std::chrono::milliseconds(config.poll_wait_seconds * 1000),
                                    std::chrono::milliseconds(settings.lost_after_ms / 3));
  settings.max_waiters = static_cast<std::size_t>(config.max_poll_waiters);
  return settings;
}

}  // namespace

Result<std::unique_ptr<Daemon>> Daemon::open(const Config& config, const agent::AgentConfig& agent_config,
                                             ControlPlane* plane) {
  BERTH_TRY(make_state_dirs(config));
  DaemonResources resources;
  resources.clock = std::make_unique<SystemClock>();
  if (plane) {
    BERTH_ASSIGN(resources.store, plane->open_store());
  } else {
    BERTH_ASSIGN(resources.store, store::Store::open(config.db_path()));
  }
  BERTH_ASSIGN(resources.secrets_key, api::auth::load_or_create_secret_key(config.secrets_key_path()));
  BERTH_ASSIGN(const bool created, resources.store->ensure_cluster(config.cluster, resources.clock->now_ms(), config.account));
  if (created) log_info("created cluster " + config.cluster);
  BERTH_ASSIGN(resources.images, runtime::ImageStore::open(config.data_dir + "/images", *resources.clock));
  check_seccomp();
  BERTH_ASSIGN(resources.tls, prepare_listener_tls(config));
  BERTH_ASSIGN(resources.audit, api::AuditLog::open(config.data_dir + "/audit.log"));
  BERTH_ASSIGN(resources.metrics_token, api::auth::load_or_create_scrape_token(config.data_dir + "/metrics.token"));
  BERTH_ASSIGN(resources.log_store,
               store::LogStore::open({config.data_dir + "/cloudwatch-logs", config.logs_max_bytes, 0}, *resources.clock));
  BERTH_ASSIGN(resources.forward_key, read_log_forward_key(config));
  resources.dns = open_discovery_dns(config, agent_config);
  const agent::AgentConfig served = with_discovery_resolver(agent_config, resources.dns.get());
  return std::unique_ptr<Daemon>(new Daemon(config, served, std::move(resources), plane));
}

Daemon::Daemon(const Config& config, const agent::AgentConfig& agent_config, DaemonResources resources,
               ControlPlane* plane)
    : m_config(config),
      m_resources(std::move(resources)),
      m_secret_cipher(m_resources.secrets_key),
      m_runc_paths(runc_paths(config)),
      m_runtime(m_runc_paths, agent_config.network),
      m_logs(m_runtime, m_runc_paths.log_files),
      m_commands(m_runtime, m_runc_paths),
      m_metrics(metric_store_limits(config)),
      m_remote_agents(remote_agent_settings(config), m_resources.clock.get()),
      m_ctx{.store = *m_resources.store,
            .clock = *m_resources.clock,
            .arns = ArnScope{config.region, config.account},
            .default_cluster = config.cluster,
            .events = this,
            .logs = &m_logs,
            .log_store = m_resources.log_store.get(),
            .commands = &m_commands,
            .dynamic_host_ports = agent_config.dynamic_host_ports,
            .time_zones = std::make_shared<svc::TimeZoneLibrary>(config.zoneinfo_dir),
            .secret_cipher = &m_secret_cipher,
            .metrics = &m_metrics,
            .remote_agents = &m_remote_agents},
      m_registrar(m_ctx),
      m_metadata(m_ctx, m_resources.secrets_key, agent_config),
      // The agent's links: it registers through svc; a recorded task change wakes the service
      // scheduler; containers' secrets come from svc's secrets store.
      m_agent(*m_resources.store, m_runtime, *m_resources.images, *m_resources.clock, agent_config,
              {.registrar = m_registrar,
               .on_task_changed =
                   [this] {
                     m_scheduler.wake();
                     m_elb_worker.wake();
                   },
               .resolve_secret = [this](const std::string& value_from) {
                 return svc::resolve_secret_reference(m_ctx, value_from);
               },
               .metadata_token = m_metadata.token_maker()}),
      m_image_catalog(*m_resources.store, *m_resources.images, m_agent.puller()),
      m_exit_watcher(m_runc_paths.state_root, [this] { m_agent.wake(); }),
      m_log_ingester({m_runc_paths.log_root, m_runc_paths.state_root, config.cluster, m_runc_paths.log_files}, *m_resources.store,
                     *m_resources.log_store),
      m_sampler(*m_resources.store, m_runtime, *m_resources.clock,
                {config.cluster, ArnScope{config.region, config.account}, config.metrics_interval_seconds},
                [this](std::vector<model::ContainerSample> samples, EpochMs now) {
                  svc::record_samples(m_ctx, samples, now);
                }),
      m_scheduler(m_ctx, EpochMs{config.task_settle_seconds} * 1000),
      m_nat_rules(runtime::find_executable("iptables-restore", runtime::k_helper_path), runtime::iptables_binary(),
                  runtime::lb::nat_chains_for(agent_config.network.bridge)),
      m_elb_worker(m_ctx, {.probe = runtime::lb::probe_target,
                           .apply = [this](const model::DataPlan& plan) -> Result<void> {
                             auto proxied = m_http_proxy.configure(plan.http);
                             BERTH_TRY(m_nat_rules.apply(plan.tcp));
                             return proxied;
                           }}),
      m_schedule_runner(m_ctx),
      m_poll_answerer(m_ctx, /*watch_other_servers=*/plane != nullptr),
      m_scaling_runner(m_ctx),
      m_keys(m_ctx),
      m_auth(m_keys, *m_resources.clock,
             {config.tcp_auth ? api::TcpAuth::sigv4 : api::TcpAuth::off, config.socket_path, config.region,
              config.account}),
      m_api_services{m_ctx, m_auth, m_resources.audit.get(), m_resources.metrics_token} {
  m_ctx.images = &m_image_catalog;  // built after the agent, whose puller it reads
  m_ctx.instance_address = runtime::bridge_gateway_of(agent_config.network.subnet).value_or("");
  if (m_resources.forward_key) {
    m_forwarder = std::make_unique<LogForwarding>(config, *m_resources.forward_key, *m_resources.log_store, *m_resources.clock);
  }
  if (plane) {
    // The node's address names the server: unique among the servers, the same across restarts.
    m_leadership = std::make_unique<svc::SchedulerLeadership>(
        *m_resources.store, *m_resources.clock, config.peer_address, replicated_leadership(),
        [plane] { return plane->leads_consensus(); },
        [this](std::optional<std::int64_t>) {
          // A new leader's schedulers start afresh at once rather than at their next tick.
          m_scheduler.wake();
          m_schedule_runner.wake();
          m_scaling_runner.schedules_changed();
        });
    m_ctx.leadership = m_leadership.get();
  }
}

Daemon::~Daemon() { stop(); }

void Daemon::tasks_changed() {
  m_agent.wake();
  m_scheduler.wake();
  m_elb_worker.wake();
}

void Daemon::schedules_changed() {
  m_schedule_runner.wake();
  m_scaling_runner.schedules_changed();
}

void Daemon::access_key_deleted(const std::string& access_key_id) { m_keys.forget(access_key_id); }

Result<std::string> Daemon::start() {
  BERTH_ASSIGN(const std::string instance, m_agent.register_instance());
  m_ctx.gateway->set_instance_id(instance);
  m_metadata.start(m_config.cluster);  // before the agent starts containers, which are told of it or not
  if (auto watching = m_exit_watcher.start(); !watching) {
    log_warn("containers' exits are found at the agent's tick, not at once: " + watching.error().message);
  }
  m_agent.start();
  if (auto ingesting = m_log_ingester.start(); !ingesting) {
    log_warn("awslogs containers' output is not stored: " + ingesting.error().message);
  }
  if (m_forwarder) m_forwarder->start();
  if (m_config.metrics_interval_seconds > 0) {
    const auto limits = metric_store_limits(m_config);
    log_info("container metrics every " + std::to_string(m_config.metrics_interval_seconds) + " s, in memory: " +
             std::to_string(limits.max_series) + " series of " + std::to_string(limits.slots) + " slots of " +
             std::to_string(m_config.metrics_resolution_seconds) + " s, at most " +
             std::to_string(metric_series_bytes(limits) >> 10) + " KiB");
  }
  m_sampler.start(instance);
  if (m_leadership) {
    // Its first round before the schedulers' first pass: the founding server leads at once.
    if (auto leading = m_leadership->start(); !leading) {
      stop();
      return std::unexpected(leading.error().wrap("scheduler leadership"));
    }
  }
  m_scheduler.start();
  m_poll_answerer.start();
  if (m_resources.dns) {
    m_resources.dns->start([this](std::string_view name) { return svc::resolve_discovery_name(m_ctx, name); });
  }
  m_elb_worker.start();
  m_schedule_runner.start();
  m_scaling_runner.start();
  const auto started = [&]() -> Result<void> {
    BERTH_TRY(write_first_credentials());
    if (!m_config.tcp_auth) {
      log_warn("BERTH_AUTH=off: TCP requests are taken unsigned, with full rights, from anyone who can reach " +
               m_config.listen);
    }
    // DiscoverPollEndpoint answers from the first request on: with a fixed port the URL is set
    // before the server starts (a port picked as it binds, 0, is known only after).
    const auto configured_port = parse_integer<int>(m_config.listen.substr(m_config.listen.rfind(':') + 1));
    if (!m_config.listen.empty() && configured_port.value_or(0) != 0) {
      m_ctx.gateway->set_api_url(advertised_api_url(m_config.listen, *configured_port, m_resources.tls != nullptr));
    }
    api::ServerOptions server_options{m_config.listen, m_config.socket_path, m_config.max_body_bytes};
    server_options.tls = m_resources.tls;
    // A parked PollInstanceTasks holds no worker, but its connection: the connections grow by
    // as many as may park, so the other clients keep theirs.
    server_options.max_connections += m_remote_agents.settings().max_waiters;
    // Each command waiting for a joined gateway's agent (at most 45 s) holds a worker.
    server_options.workers += svc::RemoteExecRequests::k_max_open;
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
    if (m_ctx.gateway->api_url().empty()) {
      m_ctx.gateway->set_api_url(advertised_api_url(m_config.listen, m_server->tcp_port(), m_resources.tls != nullptr));
    }
  }
  if (!m_config.socket_path.empty()) where += (where.empty() ? "" : " and ") + m_config.socket_path;
  const std::string state = m_leadership ? "replicated on " + std::to_string(m_config.peers.size()) + " servers" : m_config.db_path();
  return "API ready on " + where + " (cluster " + m_config.cluster + ", instance " + instance + ", state " + state + ")";
}

void Daemon::stop() {
  m_poll_answerer.stop();  // parked polls answer now, so the API stops without waiting them out
  if (m_server) m_server->stop();
  m_metadata.stop();
  if (m_resources.dns) m_resources.dns->stop();
  m_commands.stop();
  stop_schedulers();
  // After them: its stop releases the row, so another server's schedulers take over at once.
  if (m_leadership) m_leadership->stop();
  m_elb_worker.stop();
  m_http_proxy.stop();
  m_sampler.stop();
  m_exit_watcher.stop();
  if (m_forwarder) m_forwarder->stop();
  m_log_ingester.stop();  // with a last flush of the log store
  m_agent.stop();
}

// Each after its pass under way. Idempotent.
void Daemon::stop_schedulers() {
  m_scaling_runner.stop();
  m_schedule_runner.stop();
  m_scheduler.stop();
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
