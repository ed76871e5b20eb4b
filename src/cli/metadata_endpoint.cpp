#include "cli/metadata_endpoint.hpp"

#include "common/log.hpp"
#include "runtime/network/bridge_gateway.hpp"

namespace berth::cli {

// Bounds smaller than the API's: requests are GETs without a body, from this node's containers.
api::ServerOptions MetadataEndpoint::server_options(const agent::AgentConfig& config) {
  api::ServerOptions options;
  if (config.metadata_port == 0) return options;
  const std::string port = std::to_string(config.metadata_port);
  options.listen = "127.0.0.1:" + port;
  if (const auto gateway = runtime::bridge_gateway_of(config.network.subnet)) options.listen_also = {*gateway + ":" + port};
  options.socket_path = "";
  options.max_body_bytes = 1024;
  options.max_connections = 128;
  options.max_connections_per_peer = 32;
  options.workers = 2;
  options.queue_depth = 16;
  return options;
}

MetadataEndpoint::MetadataEndpoint(svc::Context& ctx, const api::auth::SecretKey& secrets_key,
                                   const agent::AgentConfig& config)
    : m_tokens(secrets_key),
      m_services{ctx, m_tokens, config.cluster, config.availability_zone},
      m_options(server_options(config)) {}

agent::MetadataTokenMaker MetadataEndpoint::token_maker() {
  if (m_options.listen.empty()) return {};
  return [this](const std::string& task_id, const std::string& container_arn) {
    return m_serving ? m_tokens.token_of(task_id, container_arn) : std::string();
  };
}

void MetadataEndpoint::start(const std::string& cluster) {
  if (m_options.listen.empty() || m_server) return;
  m_services.cluster = cluster;  // before the server: no request reads it yet
  auto server = api::HttpServer::start(
      [this](const api::HttpRequest& request, const api::HttpPeer& peer) {
        return api::route_metadata_request(m_services, request, peer);
      },
      m_options);
  if (!server) {
    log_warn("no task metadata endpoint (containers get no ECS_CONTAINER_METADATA_URI_V4): " + server.error().message +
             "; set BERTH_METADATA_PORT to a free port, or 0");
    return;
  }
  m_server = std::move(*server);
  m_serving = true;
  std::string where = m_options.listen;
  for (const auto& also : m_options.listen_also) where += " and " + also;
  log_info("task metadata endpoint on " + where);
}

void MetadataEndpoint::stop() {
  m_serving = false;
  if (m_server) m_server->stop();
}

}  // namespace berth::cli
