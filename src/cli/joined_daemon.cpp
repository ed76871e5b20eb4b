#include "cli/joined_daemon.hpp"

#include "api/auth/aes_gcm_cipher.hpp"
#include "api/auth/resource_mapper.hpp"
#include "cli/runc_paths.hpp"
#include "common/files.hpp"
#include "common/log.hpp"
#include "common/split.hpp"
#include "runtime/shim/log_cursor_reader.hpp"

namespace berth::cli {
namespace {

// BERTH_JOIN's servers, each with its certificate's check: BERTH_JOIN_FINGERPRINT gives one
// fingerprint for all or one per server, in BERTH_JOIN's order.
Result<std::vector<ServerEndpoint>> join_endpoints(const Config& config) {
  const auto urls = split(config.join_url, ',');
  const auto fingerprints = config.join_fingerprint.empty() ? std::vector<std::string_view>{} : split(config.join_fingerprint, ',');
  if (fingerprints.size() > 1 && fingerprints.size() != urls.size()) {
    return fail(Code::invalid_parameter, "BERTH_JOIN_FINGERPRINT has " + std::to_string(fingerprints.size()) +
                                             " fingerprints for " + std::to_string(urls.size()) +
                                             " servers in BERTH_JOIN: give one for all, or one per server in the same order");
  }
  std::vector<ServerEndpoint> out;
  for (std::size_t i = 0; i < urls.size(); ++i) {
    const std::string fingerprint(fingerprints.empty() ? std::string_view() : fingerprints[fingerprints.size() == 1 ? 0 : i]);
    out.push_back(ServerEndpoint{std::string(urls[i]), server_trust(fingerprint, config.join_ca_file)});
  }
  return out;
}

std::vector<ControlPlaneServer> control_plane_servers(const std::vector<ServerEndpoint>& endpoints, const Clock& clock) {
  std::vector<ControlPlaneServer> out;
  for (const auto& e : endpoints) out.push_back(ControlPlaneServer{e, std::make_unique<ControlPlaneClient>(e.url, e.trust, clock)});
  return out;
}

}  // namespace

Result<std::unique_ptr<JoinedDaemon>> JoinedDaemon::open(const Config& config, const agent::AgentConfig& agent_config) {
  BERTH_TRY(make_dirs(config.data_dir, 0700));
  BERTH_TRY(make_dirs(config.run_dir, 0750));
  SystemClock clock;
  BERTH_ASSIGN(auto store, store::Store::open(config.db_path()));
  BERTH_ASSIGN(auto images, runtime::ImageStore::open(config.data_dir + "/images", clock));
  // Only the metadata endpoint's tokens are derived from it: a joined gateway keeps no secrets.
  BERTH_ASSIGN(const auto metadata_key, api::auth::load_or_create_secret_key(config.secrets_key_path()));
  if (config.join_fingerprint.empty() && config.join_ca_file.empty() && config.join_url.starts_with("https://")) {
    log_warn("neither BERTH_JOIN_FINGERPRINT nor BERTH_JOIN_CA: the serving gateway's certificate must chain to this "
             "system's CAs (its generated one does not: give its fingerprint from `berth info`)");
  }
  BERTH_ASSIGN(auto endpoints, join_endpoints(config));
  BERTH_ASSIGN(auto gateway_logs, JoinedGatewayLogs::open(config));
  return std::unique_ptr<JoinedDaemon>(new JoinedDaemon(config, agent_config, std::move(endpoints), std::move(store),
                                                        std::move(images), metadata_key, std::move(gateway_logs)));
}

JoinedDaemon::JoinedDaemon(const Config& config, const agent::AgentConfig& agent_config,
                           const std::vector<ServerEndpoint>& servers, std::unique_ptr<store::Store> store, std::unique_ptr<runtime::ImageStore> images,
                           const api::auth::SecretKey& metadata_key, std::unique_ptr<JoinedGatewayLogs> gateway_logs)
    : m_config(config),
      m_store(std::move(store)),
      m_images(std::move(images)),
      m_ctx{.store = *m_store, .clock = m_clock, .arns = agent_config.arns},
      m_metadata(m_ctx, metadata_key, agent_config),
      m_runtime(runc_paths(config), agent_config.network),
      m_logs(m_runtime, runc_paths(config).log_files),
      m_commands(m_runtime, runc_paths(config)),
      m_server(control_plane_servers(servers, m_clock)),
      m_relays([this] { return m_server.current(); }, m_commands, runc_paths(config).state_root),
      m_registrar(m_server, config.join_token, config.data_dir + "/join.json"),
      // The agent as the local one, but registered with the server and without the API's links:
      // no secrets store here: the values come from the server with the tasks that need them.
      m_agent(*m_store, m_runtime, *m_images, m_clock, agent_config,
              {.registrar = m_registrar,
               .on_task_changed = [this] {
                 if (m_link) m_link->task_changed();
               },
               .resolve_secret = m_secrets.resolver(),
               .metadata_token = m_metadata.token_maker()}),
      m_exit_watcher(runc_paths(config).state_root, [this] { m_agent.wake(); }),
      m_gateway_logs(std::move(gateway_logs)) {}

JoinedDaemon::~JoinedDaemon() { stop(); }

Result<std::string> JoinedDaemon::start() {
  BERTH_ASSIGN(const std::string instance, m_agent.register_instance());
  const auto identity = m_registrar.identity();
  BERTH_TRY(m_store->ensure_cluster(identity.cluster, m_clock.now_ms(), m_config.account));
  // The tasks' ARNs as the server makes them: its region and account (from this instance's ARN).
  if (const auto arn = api::auth::split_arn(identity.instance_arn)) m_ctx.arns = ArnScope{arn->region, arn->account};
  m_metadata.start(identity.cluster);  // before the agent starts containers, which are told of it or not
  agent::NodeAnswers answers{
      .read_logs = [this](const std::string& runtime_id) { return m_logs.read(runtime_id); },
      .read_logs_after = [this](const std::string& runtime_id, const std::optional<model::LogCursor>& from,
                                std::size_t max_bytes) {
        return runtime::read_log_after(m_runtime.log_path(runtime_id), runc_paths(m_config).log_files, from, max_bytes);
      },
      .run_command = [this](const std::string& runtime_id,
                            const std::vector<std::string>& argv) -> Result<model::ExecOutcome> {
        BERTH_ASSIGN(auto ran, m_commands.run(runtime_id, argv));
        return model::ExecOutcome{ran.exit_code, std::move(ran.output), ran.output_truncated, ran.timed_out};
      },
      .serve_relay = [this](const agent::JoinedIdentity& identity,
                            const model::RelayRequest& request) { m_relays.serve(identity, request); },
      .secrets = &m_secrets};
  m_link = std::make_unique<agent::ServerLink>(*m_store, m_server, m_registrar, m_clock, [this] { m_agent.wake(); },
                                               std::move(answers));
  if (auto watching = m_exit_watcher.start(); !watching) {
    log_warn("containers' exits are found at the agent's tick, not at once: " + watching.error().message);
  }
  m_agent.start();
  if (m_gateway_logs) m_gateway_logs->start(identity.cluster, *m_store);
  m_link->start();
  return "agent ready: container instance " + instance + " of cluster " + identity.cluster + " served at " +
         m_config.join_url + " (state " + m_config.db_path() + ")";
}

void JoinedDaemon::stop() {
  m_metadata.stop();
  if (m_link) m_link->stop();
  m_relays.stop();  // their exec sessions see their client leave
  m_commands.stop();
  m_exit_watcher.stop();
  if (m_gateway_logs) m_gateway_logs->stop();
  m_agent.stop();
}

}  // namespace berth::cli
