#include "svc/account_settings.hpp"

#include <algorithm>

namespace berth::svc {
namespace {

// The principal a request speaks for: the one it names (checked to be of this account), else
// its caller (as ECS: "the authenticated user"), else, for an internal call, the root user.
Result<std::string> principal_of(const Context& ctx, const std::optional<std::string>& named) {
  if (!named) return ctx.caller_arn.empty() ? model::root_principal(ctx.arns.account) : ctx.caller_arn;
  BERTH_TRY(model::check_principal(*named, ctx.arns.account));
  return *named;
}

Result<model::AccountSettingReply> put_setting_of(Context& ctx, const std::string& principal,
                                                  const model::PutAccountSettingRequest& request) {
  if (request.rule->root_only && principal != model::root_principal(ctx.arns.account)) {
    return fail(Code::invalid_parameter, std::string(request.rule->name) +
                                             " is an account-wide setting: only the root user's can be set.");
  }
  model::AccountSetting setting{std::string(request.rule->name), request.value, principal, model::SettingType::user};
  BERTH_TRY(ctx.store.put_account_setting(setting));
  return model::AccountSettingReply{std::move(setting)};
}

std::optional<model::AccountSetting> named(const std::vector<model::AccountSetting>& settings, std::string_view name) {
  const auto it = std::find_if(settings.begin(), settings.end(), [&](const auto& s) { return s.name == name; });
  if (it == settings.end()) return std::nullopt;
  return *it;
}

// Every setting (only `rule`'s when given) as it applies to `principal`, by name.
Result<std::vector<model::AccountSetting>> effective_settings(Context& ctx, const std::string& principal,
                                                              const model::SettingRule* rule) {
  const std::optional<std::string> name = rule ? std::optional<std::string>(std::string(rule->name)) : std::nullopt;
  const std::string root = model::root_principal(ctx.arns.account);
  BERTH_ASSIGN(auto own, ctx.store.account_settings_of(principal, name));
  std::vector<model::AccountSetting> root_settings;
  if (principal != root) {
    BERTH_ASSIGN(root_settings, ctx.store.account_settings_of(root, name));
  }
  std::vector<model::AccountSetting> out;
  for (const auto& r : model::account_setting_rules()) {
    if (rule && rule != &r) continue;
    out.push_back(model::effective_setting(r, named(own, r.name), named(root_settings, r.name), root));
  }
  return out;
}

}  // namespace

Result<model::AccountSettingReply> put_principal_account_setting(Context& ctx,
                                                                 const model::PutAccountSettingRequest& request) {
  BERTH_ASSIGN(auto principal, principal_of(ctx, request.principal));
  return put_setting_of(ctx, principal, request);
}

Result<model::AccountSettingReply> put_account_setting(Context& ctx, const model::PutAccountSettingRequest& request) {
  BERTH_CHECK(!request.principal);  // PutAccountSettingDefault's shape has no principalArn
  return put_setting_of(ctx, model::root_principal(ctx.arns.account), request);
}

Result<model::AccountSettingsPage> list_account_settings(Context& ctx,
                                                         const model::ListAccountSettingsRequest& request) {
  BERTH_ASSIGN(auto principal, principal_of(ctx, request.principal));
  std::vector<model::AccountSetting> settings;
  if (request.effective) {
    BERTH_ASSIGN(settings, effective_settings(ctx, principal, request.rule));
  } else {
    const auto name = request.rule ? std::optional<std::string>(std::string(request.rule->name)) : std::nullopt;
    BERTH_ASSIGN(settings, ctx.store.account_settings_of(principal, name));
  }
  model::AccountSettingsPage page;
  const auto& wanted = request.page;
  bool more = false;
  for (auto& s : settings) {
    if (!wanted.after.empty() && s.name <= wanted.after) continue;
    if (request.value && s.value != *request.value) continue;
    if (page.settings.size() == wanted.limit) {
      more = true;
      break;
    }
    page.settings.push_back(std::move(s));
  }
  page.next_token = next_token(more, "settings", page.settings.empty() ? "" : page.settings.back().name);
  return page;
}

Result<model::AccountSettingReply> delete_account_setting(Context& ctx,
                                                          const model::DeleteAccountSettingRequest& request) {
  BERTH_ASSIGN(auto principal, principal_of(ctx, request.principal));
  BERTH_ASSIGN(auto deleted, ctx.store.delete_account_setting(principal, std::string(request.rule->name)));
  if (deleted) return model::AccountSettingReply{std::move(*deleted)};
  BERTH_ASSIGN(auto now_applying, effective_settings(ctx, principal, request.rule));
  return model::AccountSettingReply{std::move(now_applying.front())};
}

Result<std::string> account_default(Context& ctx, std::string_view name) {
  const model::SettingRule* rule = model::find_setting_rule(name);
  BERTH_CHECK(rule != nullptr);
  BERTH_ASSIGN(auto settings, effective_settings(ctx, model::root_principal(ctx.arns.account), rule));
  return std::move(settings.front().value);
}

}  // namespace berth::svc
