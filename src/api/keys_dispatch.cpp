#include "api/keys_dispatch.hpp"

#include <map>

#include "api/auth/key_ring.hpp"
#include "model/json_parse.hpp"
#include "svc/access_keys.hpp"

namespace berth::api {
namespace {

const model::Shape k_string = model::string_shape();
const model::Shape k_policy_name = model::enum_shape({"admin", "read-only", "custom"});
const model::Shape k_create = model::structure(
    {{"UserName", &k_string, true}, {"PolicyName", &k_policy_name}, {"PolicyDocument", &k_string}});
const model::Shape k_list = model::structure({{"UserName", &k_string}});
const model::Shape k_delete = model::structure({{"AccessKeyId", &k_string, true}});

// IAM's CreateDate is a timestamp: epoch seconds on the JSON wire.
double create_date(const model::AccessKey& key) { return static_cast<double>(key.created_at) / 1000.0; }

model::Json metadata(const model::AccessKey& key) {
  return {{"UserName", key.user_name}, {"AccessKeyId", key.access_key_id}, {"Status", "Active"},
          {"CreateDate", create_date(key)}, {"PolicyName", key.policy_name}};
}

Result<model::Json> create_access_key(svc::Context& ctx, const model::Json& request) {
  const std::string policy_name = request.value("PolicyName", "read-only");
  const std::string document = request.value("PolicyDocument", "");
  BERTH_ASSIGN(auto key, svc::create_access_key(ctx, request["UserName"].get<std::string>(), policy_name, document));
  model::Json reply = metadata(key);
  reply["SecretAccessKey"] = key.secret;
  return model::Json{{"AccessKey", std::move(reply)}};
}

Result<model::Json> list_access_keys(svc::Context& ctx, const model::Json& request) {
  const auto user = request.contains("UserName") ? std::optional(request["UserName"].get<std::string>()) : std::nullopt;
  BERTH_ASSIGN(auto keys, svc::list_access_keys(ctx, user));
  model::Json list = model::Json::array();
  for (const auto& key : keys) list.push_back(metadata(key));
  return model::Json{{"AccessKeyMetadata", std::move(list)}};
}

Result<model::Json> delete_access_key(svc::Context& ctx, const model::Json& request) {
  BERTH_TRY(svc::delete_access_key(ctx, request["AccessKeyId"].get<std::string>()));
  return model::Json::object();
}

struct KeyAction {
  const model::Shape* shape;
  UseCase use_case;
};

}  // namespace

Decoded decode_keys_request(std::string_view target, std::string_view body) {
  static const std::map<std::string, KeyAction, std::less<>> k_actions = {
      {"CreateAccessKey", {&k_create, create_access_key}},
      {"ListAccessKeys", {&k_list, list_access_keys}},
      {"DeleteAccessKey", {&k_delete, delete_access_key}},
  };
  const std::string_view action = target.substr(k_keys_target_prefix.size());
  const auto it = k_actions.find(action);
  if (!target.starts_with(k_keys_target_prefix) || it == k_actions.end()) {
    return std::unexpected(error_reply({Code::unknown_operation, "berth does not support the operation '" +
                                                                      std::string(target) + "'"}));
  }
  auto request = model::decode_request_body(body, *it->second.shape);
  if (!request) return std::unexpected(error_reply(request.error()));
  if (action == "CreateAccessKey") {
    // Checked here, where policies are understood, so a key never stores one berth cannot apply.
    const std::string name = request->value("PolicyName", "read-only");
    if (auto policies = auth::KeyRing::policies_of(name, request->value("PolicyDocument", "")); !policies && name == "custom") {
      return std::unexpected(error_reply({Code::invalid_parameter, "PolicyDocument: " + policies.error().message}));
    }
  }
  return DecodedCall{std::string(action), it->second.use_case, std::move(*request), error_reply};
}

}  // namespace berth::api
