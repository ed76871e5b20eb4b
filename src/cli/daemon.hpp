// The parts of `berth serve` and their wiring: the store, the secrets key, the image store, the
// runc runtime, the in-memory metric store, the svc Context, the local agent (registered through
// svc, woken by containers' exits through the exit watcher), the log ingester (awslogs
// containers' output into the CloudWatch Logs store), the log forwarder (that store shipped to a
// central endpoint, when BERTH_LOGS_FORWARD_URL is set), the metrics sampler (feeding the metric
// store), the service scheduler, the schedule runner, the scaling runner, the API (key
// ring, request auth, audit log, HTTP server) and the task metadata endpoint (its tokens and its
// own HTTP server). Every part is built in the constructor and wired once; the state changes svc
// announces reach the workers through svc::StateEvents, which the daemon implements.
// Thread-safety: open(), start() and stop() are called from one thread; the events are called
// from any thread and only wake workers or drop a cached key.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "agent/agent.hpp"
#include "agent/log_ingester.hpp"
#include "agent/metrics_sampler.hpp"
#include "api/audit_log.hpp"
#include "api/auth/aes_gcm_cipher.hpp"
#include "api/auth/key_ring.hpp"
#include "api/http_routes.hpp"
#include "api/http_server.hpp"
#include "api/request_auth.hpp"
#include "api/tls/tls_server.hpp"
#include "cli/container_commands.hpp"
#include "cli/control_plane.hpp"
#include "cli/discovery_dns.hpp"
#include "cli/log_forwarding.hpp"
#include "cli/logs_endpoint_client.hpp"
#include "cli/metadata_endpoint.hpp"
#include "cli/node_image_catalog.hpp"
#include "common/clock.hpp"
#include "common/config.hpp"
#include "runtime/image/image_store.hpp"
#include "runtime/runc/runc_runtime.hpp"
#include "runtime/shim/exit_watcher.hpp"
#include "store/store.hpp"
#include "svc/context.hpp"
#include "svc/elb_worker.hpp"
#include "runtime/lb/http_proxy.hpp"
#include "runtime/lb/nat_rules.hpp"
#include "svc/metric_store.hpp"
#include "svc/poll_answerer.hpp"
#include "svc/scaling_runner.hpp"
#include "svc/schedule_runner.hpp"
#include "svc/scheduler_leadership.hpp"
#include "svc/service_scheduler.hpp"

namespace berth::cli {

// What start-up opens before any part is wired; each step can fail.
struct DaemonResources {
  std::unique_ptr<SystemClock> clock;
  std::unique_ptr<store::Store> store;
  api::auth::SecretKey secrets_key{};
  std::unique_ptr<runtime::ImageStore> images;
  std::shared_ptr<api::tls::TlsServerConfig> tls;  // null: plain HTTP on the TCP listener
  std::unique_ptr<api::AuditLog> audit;
  std::string metrics_token;  // GET /metrics' bearer token, DATA-DIR/metrics.token
  std::unique_ptr<store::LogStore> log_store;  // CloudWatch Logs, DATA-DIR/cloudwatch-logs
  // BERTH_LOGS_FORWARD_KEY_FILE's key, when BERTH_LOGS_FORWARD_URL is set.
  std::optional<api::auth::SigningCredentials> forward_key;
  // berth's DNS for containers, bound before the agent is built (its containers' resolv.conf
  // names it); null when off or its address is taken.
  std::unique_ptr<runtime::DnsServer> dns;
};

// Serves container logs to the API from the runtime's log files.
class RuntimeLogs final : public svc::LogSource {
 public:
  RuntimeLogs(runtime::Runtime& runtime, int keep_files) : m_runtime(runtime), m_keep_files(keep_files) {}
  model::Json read(const std::string& runtime_id) override;
  model::Json attributes(const std::string& runtime_id) override;

 private:
  runtime::Runtime& m_runtime;
  int m_keep_files;
};

// Registers the local agent's node through svc's use case, as a remote agent's registration goes
// through RegisterContainerInstance.
class SvcInstanceRegistrar final : public agent::InstanceRegistrar {
 public:
  explicit SvcInstanceRegistrar(svc::Context& ctx) : m_ctx(ctx) {}
  Result<std::string> register_node(const agent::NodeRegistration& node) override;

 private:
  svc::Context& m_ctx;
};

class Daemon final : private svc::StateEvents {
 public:
  // Makes the state directories, opens the store (creating the cluster), the secrets key, the
  // image store, the TLS certificate (made at the first start), the audit log and the metrics
  // scrape token (made at the first start), the CloudWatch Logs store, then builds and wires every part. Starts no thread. Returns the first failure.
  // With `plane` (berth serve --peers), the store is the replicated one and the schedulers act
  // only while this server holds the scheduler leadership (svc/scheduler_leadership.hpp), every
  // write of theirs fenced with its term; `plane` outlives the daemon.
  [[nodiscard]] static Result<std::unique_ptr<Daemon>> open(const Config& config, const agent::AgentConfig& agent_config,
                                                            ControlPlane* plane = nullptr);
  ~Daemon() override;
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Registers this gateway as a container instance, opens the task metadata endpoint
  // (BERTH_METADATA_PORT on 127.0.0.1 and the bridge's gateway) before the agent starts containers,
  // starts the agent, the log ingester, the log forwarder, the metrics sampler, the service scheduler, the schedule runner and the
  // scaling runner (on a replicated control plane after the scheduler leadership's first round:
  // they run on every server and act while it leads), writes the first admin key (first start only), then opens the API.
  // Returns the line that says where the API is ready; on failure, what started is stopped.
  [[nodiscard]] Result<std::string> start();
  // Stops in the reverse order: the API and the metadata endpoint first (no new requests), the
  // exec sessions (their commands get SIGHUP), then the scaling runner, the schedule runner, the
  // service scheduler, the metrics sampler, the exit watcher, the log forwarder (after its call
  // under way, 10 s at most), the log ingester (a last flush of the log store) and the agent. Containers keep
  // running. Idempotent.
  void stop();

 private:
  Daemon(const Config& config, const agent::AgentConfig& agent_config, DaemonResources resources, ControlPlane* plane);
  void stop_schedulers();

  // svc::StateEvents
  void tasks_changed() override;
  void schedules_changed() override;
  void access_key_deleted(const std::string& access_key_id) override;

  // The first start's admin key, in the AWS shared-credentials format.
  [[nodiscard]] Result<void> write_first_credentials();

  const Config m_config;
  DaemonResources m_resources;
  api::auth::AesGcmCipher m_secret_cipher;
  const runtime::RuncPaths m_runc_paths;
  runtime::RuncRuntime m_runtime;
  RuntimeLogs m_logs;
  RuntimeContainerCommands m_commands;  // after the API server stops: sessions end, then the rest
  svc::MetricStore m_metrics;
  svc::RemoteAgents m_remote_agents;  // joined instances' heartbeats and parked polls
  svc::Context m_ctx;
  SvcInstanceRegistrar m_registrar;
  MetadataEndpoint m_metadata;  // before the agent, which makes containers' tokens with it
  agent::Agent m_agent;
  NodeImageCatalog m_image_catalog;  // svc's view of the agent's images and pulls (m_ctx.images)
  // A container's exit wakes the agent at once (its record appears in the shim's state directory).
  runtime::ExitWatcher m_exit_watcher;
  // awslogs containers' output, from the shims' files into the log store.
  agent::LogIngester m_log_ingester;
  // BERTH_LOGS_FORWARD_URL: the log store's events shipped to a central endpoint (else null).
  std::unique_ptr<LogForwarding> m_forwarder;
  agent::MetricsSampler m_sampler;
  svc::ServiceScheduler m_scheduler;
  // Load balancing: listeners' kernel rules and the target health checks (svc/elb_worker.hpp).
  runtime::lb::NatRules m_nat_rules;
  runtime::lb::HttpProxy m_http_proxy;
  svc::ElbWorker m_elb_worker;
  svc::ScheduleRunner m_schedule_runner;
  svc::PollAnswerer m_poll_answerer;  // answers the parked PollInstanceTasks off the API's workers
  // Step scaling policies act on the CloudWatch alarms naming them (svc::alarms_with_action).
  svc::ScalingRunner m_scaling_runner;
  api::auth::KeyRing m_keys;
  api::RequestAuth m_auth;
  api::ApiServices m_api_services;
  std::unique_ptr<api::HttpServer> m_server;           // set by start()
  // On a replicated control plane: whether, and under which term, this server's schedulers act
  // (m_ctx.leadership; null on the SQLite file, where they act unfenced, as the only ones).
  std::unique_ptr<svc::SchedulerLeadership> m_leadership;
};

}  // namespace berth::cli
