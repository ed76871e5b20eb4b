// Typed requests and replies of PutAccountSetting, PutAccountSettingDefault, ListAccountSettings
// and DeleteAccountSetting: decoders from the shape-checked body, validated once with ECS's
// errors (the principal, which needs the account, is checked by the use cases), and encoders.
// Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "model/account_settings.hpp"
#include "model/paging.hpp"
#include "model/schema.hpp"

namespace berth::model {

// ListAccountSettings' page size: 1 to 10, 10 when not given, as ECS.
inline constexpr std::size_t k_max_account_settings_page = 10;

// PutAccountSetting, and PutAccountSettingDefault (no principal: the root user's).
struct PutAccountSettingRequest {
  const SettingRule* rule = nullptr;      // never null once decoded
  std::string value;
  std::optional<std::string> principal;   // nothing = the caller, the root user on berth
};

struct DeleteAccountSettingRequest {
  const SettingRule* rule = nullptr;
  std::optional<std::string> principal;
};

struct ListAccountSettingsRequest {
  const SettingRule* rule = nullptr;      // null = every setting
  std::optional<std::string> value;       // only with a name
  std::optional<std::string> principal;
  bool effective = false;
  PageRequest page;                       // keys are setting names
};

struct AccountSettingReply {
  AccountSetting setting;
};

struct AccountSettingsPage {
  std::vector<AccountSetting> settings;
  std::optional<std::string> next_token;
};

// InvalidParameterException for a name ECS does not know, a value the setting does not accept or
// berth cannot honour, a read-only setting (puts and deletes). Decodes PutAccountSettingDefault's
// body too (its shape has no principalArn).
[[nodiscard]] Result<PutAccountSettingRequest> decode_put_account_setting(const Json& body);
[[nodiscard]] Result<DeleteAccountSettingRequest> decode_delete_account_setting(const Json& body);
// InvalidParameterException also for a value without a name and a token berth did not issue.
[[nodiscard]] Result<ListAccountSettingsRequest> decode_list_account_settings(const Json& body);

Json account_setting_to_json(const AccountSetting& setting);
// {"setting": {...}}: the reply of the puts and the delete.
Json encode_account_setting_reply(const AccountSettingReply& reply);
// {"settings": [...], "nextToken"?}
Json encode_account_settings_page(const AccountSettingsPage& page);

}  // namespace berth::model
