// The task metadata endpoint a node serves its own containers (ECS_CONTAINER_METADATA_URI_V4 and
// _URI, v3): BERTH_METADATA_PORT on 127.0.0.1 for host-network tasks and on the bridge's gateway
// address for bridge tasks, which cannot reach the loopback. The serving gateway and a joined one
// each open one for the containers they run, answered from their own store. Thread-safe once
// started.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "agent/agent.hpp"
#include "api/http_server.hpp"
#include "api/metadata_routes.hpp"
#include "api/metadata_token.hpp"
#include "svc/context.hpp"

namespace berth::cli {

class MetadataEndpoint {
 public:
  // Answers from `ctx`'s store, with tokens derived from `secrets_key`, on `config`'s port.
  MetadataEndpoint(svc::Context& ctx, const api::auth::SecretKey& secrets_key, const agent::AgentConfig& config);
  // The endpoint's listeners and bounds for `config` (no TCP listener when its port is 0).
  static api::ServerOptions server_options(const agent::AgentConfig& config);
  ~MetadataEndpoint() { stop(); }
  MetadataEndpoint(const MetadataEndpoint&) = delete;
  MetadataEndpoint& operator=(const MetadataEndpoint&) = delete;

  // What the agent asks for a container's token: "" while the endpoint does not serve (the
  // container then gets no URI); an empty function when BERTH_METADATA_PORT is 0.
  agent::MetadataTokenMaker token_maker();
  // Opens the endpoint, before the agent starts containers, for the tasks of `cluster`. A port
  // another program holds (an ECS agent, a second berth) costs the endpoint, not the node: it is
  // logged, and containers get no URI.
  void start(const std::string& cluster);
  // Answers no more requests. Idempotent.
  void stop();

 private:
  api::MetadataTokens m_tokens;
  api::MetadataServices m_services;
  api::ServerOptions m_options;  // no TCP listener when BERTH_METADATA_PORT is 0
  std::unique_ptr<api::HttpServer> m_server;
  std::atomic<bool> m_serving{false};  // read by the agent's thread
};

}  // namespace berth::cli
