// The parts of `berth serve` and their wiring: the store, the secrets key, the image store, the
// runc runtime, the svc Context, the local agent (registered through svc), the service
// scheduler, the schedule runner, the scaling runner and the API (key ring, request auth, audit log, HTTP server). Every part is built in the
// constructor and wired once; the state changes svc announces reach the workers through
// svc::StateEvents, which the daemon implements.
// Thread-safety: open(), start() and stop() are called from one thread; the events are called
// from any thread and only wake workers or drop a cached key.
#pragma once

#include <memory>
#include <string>

#include "agent/agent.hpp"
#include "api/audit_log.hpp"
#include "api/auth/aes_gcm_cipher.hpp"
#include "api/auth/key_ring.hpp"
#include "api/http_routes.hpp"
#include "api/http_server.hpp"
#include "api/request_auth.hpp"
#include "api/tls/tls_server.hpp"
#include "common/clock.hpp"
#include "common/config.hpp"
#include "runtime/image/image_store.hpp"
#include "runtime/runc/runc_runtime.hpp"
#include "store/store.hpp"
#include "svc/context.hpp"
#include "svc/scaling_runner.hpp"
#include "svc/schedule_runner.hpp"
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
};

// Serves container logs to the API from the runtime's log files.
class RuntimeLogs final : public svc::LogSource {
 public:
  RuntimeLogs(runtime::Runtime& runtime, int keep_files) : m_runtime(runtime), m_keep_files(keep_files) {}
  model::Json read(const std::string& runtime_id) override;

 private:
  runtime::Runtime& m_runtime;
  int m_keep_files;
};

// Registers the local agent's node through svc's use case, as a remote agent's registration goes
// through RegisterContainerInstance.
class SvcInstanceRegistrar final : public agent::InstanceRegistrar {
 public:
  explicit SvcInstanceRegistrar(svc::Context& ctx) : m_ctx(ctx) {}
  Result<void> register_node(const agent::NodeRegistration& node) override;

 private:
  svc::Context& m_ctx;
};

class Daemon final : private svc::StateEvents {
 public:
  // Makes the state directories, opens the store (creating the cluster), the secrets key, the
  // image store, the TLS certificate (made at the first start) and the audit log, then builds and
  // wires every part. Starts no thread. Returns the first failure.
  [[nodiscard]] static Result<std::unique_ptr<Daemon>> open(const Config& config, const agent::AgentConfig& agent_config);
  ~Daemon() override;
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Registers this gateway as a container instance, starts the agent, the service scheduler, the
  // schedule runner and the scaling runner, writes the first admin key (first start only), then opens the API.
  // Returns the line that says where the API is ready; on failure, what started is stopped.
  [[nodiscard]] Result<std::string> start();
  // Stops in the reverse order: the API first (no new requests), then the scaling runner, the
  // schedule runner, the service scheduler and the agent. Containers keep running. Idempotent.
  void stop();

 private:
  Daemon(const Config& config, const agent::AgentConfig& agent_config, DaemonResources resources);

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
  svc::Context m_ctx;
  SvcInstanceRegistrar m_registrar;
  agent::Agent m_agent;
  svc::ServiceScheduler m_scheduler;
  svc::ScheduleRunner m_schedule_runner;
  // Step scaling policies act on CloudWatch alarms once an alarm source is set on it.
  svc::ScalingRunner m_scaling_runner;
  api::auth::KeyRing m_keys;
  api::RequestAuth m_auth;
  api::ApiServices m_api_services;
  std::unique_ptr<api::HttpServer> m_server;  // set by start()
};

}  // namespace berth::cli
