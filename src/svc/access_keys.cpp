#include "svc/access_keys.hpp"

#include "common/ids.hpp"

namespace berth::svc {
namespace {

// AWS's forms: 20-character ids starting with AKIA in base32 letters, 40-character secrets.
constexpr std::string_view k_id_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::string_view k_secret_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

bool valid_user_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    std::string_view("+=,.@_-").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Result<model::AccessKey> new_access_key(const Context& ctx, const std::string& user_name, const std::string& policy_name,
                                        const std::string& policy_document) {
  if (!valid_user_name(user_name)) {
    return fail(Code::invalid_parameter,
                "UserName must be 1 to 64 characters of letters, digits and +=,.@_-, not '" + user_name + "'.");
  }
  if (policy_name != "admin" && policy_name != "read-only" && policy_name != "custom") {
    return fail(Code::invalid_parameter, "PolicyName must be admin, read-only or custom.");
  }
  if ((policy_name == "custom") == policy_document.empty()) {
    return fail(Code::invalid_parameter, "A custom policy needs a PolicyDocument, and only a custom one has it.");
  }
  return model::AccessKey{"AKIA" + random_chars(16, k_id_alphabet), user_name, random_chars(40, k_secret_alphabet),
                          policy_name, policy_document, ctx.clock.now_ms()};
}

Result<model::AccessKey> create_access_key(Context& ctx, const std::string& user_name, const std::string& policy_name,
                                           const std::string& policy_document) {
  // The svc layer tells instance agents by this name (a report's task must be on its instance).
  if (model::is_instance_user(user_name)) {
    return fail(Code::invalid_parameter, "UserName '" + user_name + "': names starting with '" +
                                             std::string(model::k_instance_user_prefix) +
                                             "' belong to joined container instances' keys.");
  }
  BERTH_ASSIGN(auto key, new_access_key(ctx, user_name, policy_name, policy_document));
  BERTH_TRY(ctx.store.create_access_key(key, k_max_access_keys));
  return key;
}

Result<std::vector<model::AccessKey>> list_access_keys(Context& ctx, const std::optional<std::string>& user_name) {
  return ctx.store.list_access_keys(user_name);
}

Result<void> delete_access_key(Context& ctx, const std::string& access_key_id) {
  BERTH_ASSIGN(bool deleted, ctx.store.delete_access_key(access_key_id));
  if (!deleted) return fail(Code::resource_not_found, "The access key " + access_key_id + " does not exist.");
  ctx.access_key_deleted(access_key_id);
  return {};
}

Result<std::optional<model::AccessKey>> create_first_admin_key(Context& ctx) {
  BERTH_ASSIGN(auto key, new_access_key(ctx, "admin", "admin", ""));
  BERTH_ASSIGN(const bool created, ctx.store.create_first_access_key(key));
  if (!created) return std::optional<model::AccessKey>();
  return std::optional<model::AccessKey>(std::move(key));
}

Result<std::optional<model::AccessKey>> find_access_key(Context& ctx, const std::string& access_key_id) {
  return ctx.store.find_access_key(access_key_id);
}

}  // namespace berth::svc
