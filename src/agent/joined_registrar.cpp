#include "agent/joined_registrar.hpp"

#include <filesystem>

#include "common/files.hpp"
#include "common/log.hpp"
#include "model/json_parse.hpp"

namespace berth::agent {
namespace {

// join.json's members and the identity's fields they hold.
constexpr std::pair<const char*, std::string JoinedIdentity::*> k_fields[] = {
    {"cluster", &JoinedIdentity::cluster},
    {"instanceArn", &JoinedIdentity::instance_arn},
    {"instanceId", &JoinedIdentity::instance_id},
    {"accessKeyId", &JoinedIdentity::access_key_id},
    {"secretAccessKey", &JoinedIdentity::secret_access_key},
    {"region", &JoinedIdentity::region},
    {"tokenSha256", &JoinedIdentity::token_sha256}};

}  // namespace

Result<std::optional<JoinedIdentity>> load_joined_identity(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec) && !ec) return std::optional<JoinedIdentity>();
  BERTH_ASSIGN(const auto text, read_file(path));
  const auto json = model::parse_json(text, path);
  if (!json || !json->is_object()) return fail(Code::server, path + " is not the JSON berth wrote; move it away to join anew");
  JoinedIdentity id;
  for (const auto& [name, field] : k_fields) {
    if (!json->contains(name) || !(*json)[name].is_string()) {
      return fail(Code::server, path + " lacks " + name + "; move it away to join anew");
    }
    id.*field = (*json)[name].get<std::string>();
  }
  // Optional (files kept before it have none); a value berth did not write counts as not known.
  if (const auto wait = json->find("pollWaitSeconds"); wait != json->end()) {
    if (wait->is_number_integer() && *wait >= 0 && *wait <= k_max_kept_poll_wait_seconds) {
      id.poll_wait_seconds = wait->get<int>();
    } else {
      log_warn(path + ": pollWaitSeconds is not a number of seconds from 0 to " +
               std::to_string(k_max_kept_poll_wait_seconds) + "; polls ask for the default wait");
    }
  }
  return std::optional<JoinedIdentity>(std::move(id));
}

Result<void> save_joined_identity(const std::string& path, const JoinedIdentity& identity) {
  model::Json out = model::Json::object();
  for (const auto& [name, field] : k_fields) out[name] = identity.*field;
  if (identity.poll_wait_seconds > 0) out["pollWaitSeconds"] = identity.poll_wait_seconds;
  return write_file_atomic(path, out.dump(2) + "\n", 0600);
}

JoinedRegistrar::JoinedRegistrar(ControlPlane& server, std::string token, std::string state_file)
    : m_server(server), m_token(std::move(token)), m_state_file(std::move(state_file)) {}

Result<std::string> JoinedRegistrar::register_node(const NodeRegistration& node) {
  BERTH_ASSIGN(auto kept, load_joined_identity(m_state_file));
  {
    MutexLock lock(m_mutex);
    m_node = node;
  }
  if (!kept) return join(node);
  auto again = m_server.register_again(*kept, node);
  if (!again && !unanswered(again.error())) {
    // The key was deleted (`berth key rm`, or the instance deregistered): only a new token helps.
    if (!m_token.empty() && model::join_token_hash(m_token) != kept->token_sha256) {
      log_warn("the serving gateway refuses this node's key (" + again.error().message + "); joining with the new token");
      return join(node);
    }
    return fail(Code::client, "the serving gateway refuses this node's key (" + again.error().message +
                                  "); give it a new join token (berth join-token create on the server)");
  }
  if (!again) {
    log_warn("the serving gateway does not answer (" + again.error().message + "); running the tasks kept here as instance " +
             kept->instance_id + " and registering again when it answers");
  }
  MutexLock lock(m_mutex);
  m_registered = again.has_value();
  m_identity = std::move(*kept);
  return m_identity->instance_id;
}

Result<std::string> JoinedRegistrar::join(const NodeRegistration& node) {
  if (m_token.empty()) {
    return fail(Code::client, "this node has not joined yet (no " + m_state_file + "): give it --join-token (BERTH_JOIN_TOKEN)");
  }
  auto joined = m_server.join(m_token, node);
  if (!joined) return std::unexpected(joined.error().wrap("join the cluster"));
  JoinedIdentity id = std::move(*joined);
  id.token_sha256 = model::join_token_hash(m_token);
  // Kept before anything else happens: the token is spent, and this is the only copy of the key.
  BERTH_TRY(save_joined_identity(m_state_file, id));
  log_info("joined cluster " + id.cluster + " as container instance " + id.instance_id + " (key " + id.access_key_id +
           " kept in " + m_state_file + ")");
  MutexLock lock(m_mutex);
  m_registered = true;
  m_identity = std::move(id);
  return m_identity->instance_id;
}

bool JoinedRegistrar::register_again() {
  std::optional<JoinedIdentity> identity;
  std::optional<NodeRegistration> node;
  {
    MutexLock lock(m_mutex);
    if (m_registered) return true;
    identity = m_identity;
    node = m_node;
  }
  if (!identity || !node) return false;
  auto again = m_server.register_again(*identity, *node);
  if (!again) {
    if (!unanswered(again.error())) log_error("registering again: " + again.error().message);
    return false;
  }
  log_info("registered again with the serving gateway as instance " + identity->instance_id);
  MutexLock lock(m_mutex);
  m_registered = true;
  return true;
}

JoinedIdentity JoinedRegistrar::identity() const {
  MutexLock lock(m_mutex);
  BERTH_CHECK(m_identity.has_value());
  return *m_identity;
}

}  // namespace berth::agent
