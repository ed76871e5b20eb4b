#include "model/account_setting_requests.hpp"

#include "model/request_members.hpp"

namespace berth::model {

Result<PutAccountSettingRequest> decode_put_account_setting(const Json& body) {
  PutAccountSettingRequest request;
  BERTH_ASSIGN(request.rule, setting_rule_of(body["name"].get<std::string>()));
  BERTH_TRY(check_setting_writable(*request.rule));
  request.value = body["value"].get<std::string>();
  BERTH_TRY(check_setting_value(*request.rule, request.value));
  request.principal = optional_string(body, "principalArn");
  return request;
}

Result<DeleteAccountSettingRequest> decode_delete_account_setting(const Json& body) {
  DeleteAccountSettingRequest request;
  BERTH_ASSIGN(request.rule, setting_rule_of(body["name"].get<std::string>()));
  BERTH_TRY(check_setting_writable(*request.rule));
  request.principal = optional_string(body, "principalArn");
  return request;
}

Result<ListAccountSettingsRequest> decode_list_account_settings(const Json& body) {
  ListAccountSettingsRequest request;
  if (const auto name = optional_string(body, "name")) {
    BERTH_ASSIGN(request.rule, setting_rule_of(*name));
  }
  request.value = optional_string(body, "value");
  if (request.value && !request.rule) {
    return fail(Code::invalid_parameter, "ListAccountSettings filters by value only together with a setting name.");
  }
  request.principal = optional_string(body, "principalArn");
  request.effective = body.value("effectiveSettings", false);
  BERTH_ASSIGN(request.page, read_page_request(body, k_max_account_settings_page, "settings"));
  return request;
}

Json account_setting_to_json(const AccountSetting& setting) {
  return Json{{"name", setting.name},
              {"value", setting.value},
              {"principalArn", setting.principal_arn},
              {"type", std::string(to_wire(setting.type))}};
}

Json encode_account_setting_reply(const AccountSettingReply& reply) {
  return Json{{"setting", account_setting_to_json(reply.setting)}};
}

Json encode_account_settings_page(const AccountSettingsPage& page) {
  Json settings = Json::array();
  for (const auto& s : page.settings) settings.push_back(account_setting_to_json(s));
  Json out{{"settings", std::move(settings)}};
  if (page.next_token) out["nextToken"] = *page.next_token;
  return out;
}

}  // namespace berth::model
