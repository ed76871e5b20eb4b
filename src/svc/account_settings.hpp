// ECS account settings use cases (PutAccountSetting, PutAccountSettingDefault,
// ListAccountSettings, DeleteAccountSetting) and the account defaults other use cases apply
// (CreateCluster's containerInsights). A request without principalArn speaks for its caller (the
// IAM user of its access key, or "uid-<n>" on the socket; Context::caller_arn); only
// PutAccountSettingDefault writes the root user's settings, which are the account's defaults,
// unless a request names the root user. Thread-safe (state lives in the Store).
#pragma once

#include "model/account_setting_requests.hpp"
#include "svc/context.hpp"

namespace berth::svc {

// PutAccountSetting: the setting of the principal named, else of the caller.
// InvalidParameterException for a principal of another account or kind, and for a root-only
// setting put for another principal than the root user; ClientException when
// model::k_max_setting_principals principals have settings and this one has none.
Result<model::AccountSettingReply> put_principal_account_setting(Context& ctx,
                                                                 const model::PutAccountSettingRequest& request);
// PutAccountSettingDefault (its request never names a principal): the root user's setting, with
// the errors above.
Result<model::AccountSettingReply> put_account_setting(Context& ctx, const model::PutAccountSettingRequest& request);
// The principal's own settings, or (effectiveSettings) every setting as it applies to it; by name.
Result<model::AccountSettingsPage> list_account_settings(Context& ctx,
                                                         const model::ListAccountSettingsRequest& request);
// Removes the principal's own setting: the reply is what it was, or, when it had none, what
// applies to it (deleting is idempotent).
Result<model::AccountSettingReply> delete_account_setting(Context& ctx,
                                                          const model::DeleteAccountSettingRequest& request);

// The value of `name` (a name model::find_setting_rule knows) for the account: the root user's
// setting, else ECS's default.
[[nodiscard]] Result<std::string> account_default(Context& ctx, std::string_view name);

}  // namespace berth::svc
