#include "svc/secrets.hpp"

#include <algorithm>

#include "common/base64.hpp"
#include "common/ids.hpp"
#include "model/paging.hpp"

namespace berth::svc {
namespace {

constexpr long long k_day_ms = 86400LL * 1000;

std::unexpected<Error> secret_not_found() {
  return fail(Code::resource_not_found, "Secrets Manager can't find the specified secret.");
}

std::unexpected<Error> marked_for_deletion() {
  return fail(Code::invalid_request, "You can't perform this operation on the secret because it was marked for deletion.");
}

Result<SecretCipher*> cipher_of(const Context& ctx) {
  if (!ctx.secret_cipher) return fail(Code::server, "secrets are not available: berth has no secrets key");
  return ctx.secret_cipher;
}

// AWS's 6-character ARN suffix: letters and digits.
std::string random_suffix() {
  static constexpr char k_chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string suffix;
  for (const char byte : random_bytes(6)) suffix += k_chars[static_cast<unsigned char>(byte) % 62];
  return suffix;
}

// The value a Create/PutSecretValue request carries, if any: SecretString or the decoded
// SecretBinary (a base64 blob on the wire), at most 64 KiB.
Result<std::optional<SecretValue>> value_in(const Json& request) {
  const bool has_string = request.contains("SecretString");
  const bool has_binary = request.contains("SecretBinary");
  if (has_string && has_binary) {
    return fail(Code::invalid_parameter,
                "You can't specify both a binary secret value and a string secret value in the same secret.");
  }
  if (!has_string && !has_binary) return std::optional<SecretValue>();
  SecretValue value;
  value.binary = has_binary;
  if (has_binary) {
    auto decoded = base64_decode(request["SecretBinary"].get<std::string>());
    if (!decoded) return fail(Code::invalid_parameter, "SecretBinary is not valid base64.");
    value.text = std::move(*decoded);
  } else {
    value.text = request["SecretString"].get<std::string>();
  }
  if (value.text.size() > model::k_max_secret_value_bytes) {
    return fail(Code::invalid_parameter, "The secret value is larger than Secrets Manager's limit of 65536 bytes.");
  }
  return std::optional<SecretValue>(std::move(value));
}

Result<std::string> version_id_in(const Json& request) {
  const std::string token = request.value("ClientRequestToken", "");
  if (token.empty()) return random_uuid();
  if (token.size() < 32 || token.size() > 64) {
    return fail(Code::invalid_parameter, "ClientRequestToken must be 32 to 64 characters long.");
  }
  return token;
}

Result<Json> checked_tags(const Json& request) {
  const Json tags = request.value("Tags", Json::array());
  if (tags.size() > 50) return fail(Code::invalid_parameter, "A secret can have at most 50 tags.");
  std::vector<std::string> keys;
  for (const auto& tag : tags) {
    const std::string key = tag["Key"], value = tag["Value"];
    if (key.empty() || key.size() > 128 || value.size() > 256) {
      return fail(Code::invalid_parameter, "Tag keys are 1 to 128 characters and values at most 256.");
    }
    if (key.starts_with("aws:")) return fail(Code::invalid_parameter, "Tag keys may not start with aws:.");
    keys.push_back(key);
  }
  std::sort(keys.begin(), keys.end());
  if (std::adjacent_find(keys.begin(), keys.end()) != keys.end()) {
    return fail(Code::invalid_parameter, "A tag key appears more than once.");
  }
  return tags;
}

// The secret `secret_id` names: its name, its full ARN, or its ARN without the random suffix.
// Secrets past their recovery window are gone.
Result<model::Secret> find_secret(Context& ctx, const std::string& secret_id) {
  std::string name = secret_id;
  if (is_arn(secret_id)) {
    auto in_arn = model::secret_name_in_arn(ctx.arns, secret_id);
    if (!in_arn) return secret_not_found();
    name = *in_arn;
  }
  BERTH_ASSIGN(auto found, ctx.store.find_secret(name, secret_id));
  if (!found || (found->deletion_date && *found->deletion_date <= ctx.clock.now_ms())) return secret_not_found();
  return std::move(*found);
}

Result<model::SecretVersion> sealed_version(Context& ctx, const std::string& arn, const std::string& version_id,
                                            const SecretValue& value) {
  BERTH_ASSIGN(SecretCipher * cipher, cipher_of(ctx));
  model::SecretVersion version;
  version.version_id = version_id;
  version.stage = model::k_stage_current;
  version.binary = value.binary;
  version.created_at = ctx.clock.now_ms();
  BERTH_ASSIGN(version.sealed, cipher->seal(value.text, model::secret_associated_data(arn, version_id)));
  return version;
}

Result<SecretValue> open_version(Context& ctx, const model::Secret& secret, const model::SecretVersion& version) {
  BERTH_ASSIGN(SecretCipher * cipher, cipher_of(ctx));
  auto text = cipher->open(version.sealed, model::secret_associated_data(secret.arn, version.version_id));
  if (!text) return std::unexpected(text.error().wrap("secret " + secret.name));
  return SecretValue{std::move(*text), version.binary};
}

Result<model::SecretVersion> select_version(Context& ctx, const model::Secret& secret, const std::string& stage,
                                            const std::string& version_id) {
  BERTH_ASSIGN(auto versions, ctx.store.secret_versions(secret.name));
  const std::string wanted_stage = stage.empty() && version_id.empty() ? std::string(model::k_stage_current) : stage;
  for (auto& v : versions) {
    if ((version_id.empty() || v.version_id == version_id) && (wanted_stage.empty() || v.stage == wanted_stage)) {
      return std::move(v);
    }
  }
  if (!version_id.empty()) {
    return fail(Code::resource_not_found, "Secrets Manager can't find the specified secret value for VersionId: " + version_id);
  }
  return fail(Code::resource_not_found, "Secrets Manager can't find the specified secret value for staging label: " + wanted_stage);
}

Json versions_to_stages(const std::vector<model::SecretVersion>& versions) {
  Json out = Json::object();
  for (const auto& v : versions) out[v.version_id] = Json::array({v.stage});
  return out;
}

Json describe(Context& ctx, const model::Secret& s, const char* versions_member) {
  Json out{{"ARN", s.arn}, {"Name", s.name}, {"CreatedDate", epoch_seconds(s.created_at)},
           {"LastChangedDate", epoch_seconds(s.changed_at)}};
  if (!s.description.empty()) out["Description"] = s.description;
  if (!s.kms_key_id.empty()) out["KmsKeyId"] = s.kms_key_id;
  if (s.deletion_date) out["DeletedDate"] = epoch_seconds(*s.deletion_date);
  if (!s.tags.empty()) out["Tags"] = s.tags;
  if (auto versions = ctx.store.secret_versions(s.name); versions && !versions->empty()) {
    out[versions_member] = versions_to_stages(*versions);
  }
  return out;
}

bool filter_matches(const model::Secret& s, const Json& filter) {
  const std::string key = filter.value("Key", "all");
  for (const auto& value_json : filter.value("Values", Json::array())) {
    std::string value = value_json;
    const bool negated = value.starts_with('!');
    if (negated) value.erase(0, 1);
    std::vector<std::string> fields;
    if (key == "name" || key == "all") fields.push_back(s.name);
    if (key == "description" || key == "all") fields.push_back(s.description);
    for (const auto& tag : s.tags) {
      if (key == "tag-key" || key == "all") fields.push_back(tag["Key"]);
      if (key == "tag-value" || key == "all") fields.push_back(tag["Value"]);
    }
    const bool hit = std::any_of(fields.begin(), fields.end(), [&](const std::string& f) { return f.starts_with(value); });
    if (hit != negated) return true;
  }
  return false;
}

}  // namespace

Result<SecretValue> read_secret_value(Context& ctx, const std::string& secret_id, const std::string& version_stage,
                                      const std::string& version_id) {
  BERTH_ASSIGN(auto secret, find_secret(ctx, secret_id));
  if (secret.deletion_date) return marked_for_deletion();
  BERTH_ASSIGN(auto version, select_version(ctx, secret, version_stage, version_id));
  return open_version(ctx, secret, version);
}

Result<Json> create_secret(Context& ctx, const Json& request) {
  const std::string name = request["Name"];
  BERTH_TRY(model::check_secret_name(name));
  if (!request.value("AddReplicaRegions", Json::array()).empty()) {
    return fail(Code::invalid_parameter, "berth keeps secrets on this gateway only; AddReplicaRegions is not supported.");
  }
  BERTH_ASSIGN(auto value, value_in(request));
  BERTH_ASSIGN(auto tags, checked_tags(request));
  BERTH_ASSIGN(std::string version_id, version_id_in(request));
  BERTH_TRY(ctx.store.purge_deleted_secrets(ctx.clock.now_ms()));
  model::Secret secret;
  secret.name = name;
  secret.arn = model::secret_arn(ctx.arns, name, random_suffix());
  secret.description = request.value("Description", "");
  secret.kms_key_id = request.value("KmsKeyId", "");
  secret.tags = tags;
  secret.created_at = secret.changed_at = ctx.clock.now_ms();
  std::optional<model::SecretVersion> first;
  if (value) {
    BERTH_ASSIGN(first, sealed_version(ctx, secret.arn, version_id, *value));
  }
  BERTH_TRY(ctx.store.create_secret(secret, first, k_max_secrets));
  Json response{{"ARN", secret.arn}, {"Name", secret.name}};
  if (first) response["VersionId"] = version_id;
  return response;
}

Result<Json> get_secret_value(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto secret, find_secret(ctx, request["SecretId"]));
  if (secret.deletion_date) return marked_for_deletion();
  BERTH_ASSIGN(auto version, select_version(ctx, secret, request.value("VersionStage", ""), request.value("VersionId", "")));
  BERTH_ASSIGN(auto value, open_version(ctx, secret, version));
  Json response{{"ARN", secret.arn}, {"Name", secret.name}, {"VersionId", version.version_id},
                {"VersionStages", Json::array({version.stage})}, {"CreatedDate", epoch_seconds(version.created_at)}};
  if (value.binary) response["SecretBinary"] = base64_encode(value.text);
  else response["SecretString"] = value.text;
  return response;
}

Result<Json> put_secret_value(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto secret, find_secret(ctx, request["SecretId"]));
  if (secret.deletion_date) return marked_for_deletion();
  for (const auto& stage : request.value("VersionStages", Json::array({model::k_stage_current}))) {
    if (stage != model::k_stage_current) {
      return fail(Code::invalid_parameter, "berth keeps the staging labels AWSCURRENT and AWSPREVIOUS only; "
                                           "VersionStages may name AWSCURRENT.");
    }
  }
  BERTH_ASSIGN(auto value, value_in(request));
  if (!value) return fail(Code::invalid_parameter, "You must provide either SecretString or SecretBinary.");
  BERTH_ASSIGN(std::string version_id, version_id_in(request));
  // A retried request (same ClientRequestToken, same value) succeeds without a new version.
  BERTH_ASSIGN(auto versions, ctx.store.secret_versions(secret.name));
  for (const auto& v : versions) {
    if (v.version_id != version_id) continue;
    BERTH_ASSIGN(auto stored, open_version(ctx, secret, v));
    if (stored.binary != value->binary || stored.text != value->text) {
      return fail(Code::resource_exists, "You can't modify an existing version, you can only create a new version.");
    }
    return Json{{"ARN", secret.arn}, {"Name", secret.name}, {"VersionId", v.version_id},
                {"VersionStages", Json::array({v.stage})}};
  }
  BERTH_ASSIGN(auto version, sealed_version(ctx, secret.arn, version_id, *value));
  BERTH_TRY(ctx.store.put_secret_version(secret.arn, version));
  return Json{{"ARN", secret.arn}, {"Name", secret.name}, {"VersionId", version_id},
              {"VersionStages", Json::array({model::k_stage_current})}};
}

Result<Json> describe_secret(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto secret, find_secret(ctx, request["SecretId"]));
  return describe(ctx, secret, "VersionIdsToStages");
}

Result<Json> list_secrets(Context& ctx, const Json& request) {
  const bool include_deleted = request.value("IncludePlannedDeletion", false);
  const bool descending = request.value("SortOrder", "asc") == "desc";
  BERTH_ASSIGN(auto page, model::read_page_request(request, 100, "SecretList", "MaxResults", "NextToken"));
  BERTH_ASSIGN(auto secrets, ctx.store.list_secrets());
  const EpochMs now = ctx.clock.now_ms();
  std::erase_if(secrets, [&](const model::Secret& s) {
    if (s.deletion_date && (*s.deletion_date <= now || !include_deleted)) return true;
    for (const auto& filter : request.value("Filters", Json::array())) {
      if (!filter_matches(s, filter)) return true;
    }
    return false;
  });
  if (descending) std::reverse(secrets.begin(), secrets.end());
  Json response{{"SecretList", Json::array()}};
  std::size_t taken = 0;
  for (const auto& s : secrets) {
    if (!page.after.empty() && (descending ? s.name >= page.after : s.name <= page.after)) continue;
    if (taken == page.limit) {
      response["NextToken"] = model::make_next_token("SecretList", response["SecretList"].back()["Name"]);
      break;
    }
    response["SecretList"].push_back(describe(ctx, s, "SecretVersionsToStages"));
    ++taken;
  }
  return response;
}

Result<Json> delete_secret(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto secret, find_secret(ctx, request["SecretId"]));
  const bool force = request.value("ForceDeleteWithoutRecovery", false);
  if (force && request.contains("RecoveryWindowInDays")) {
    return fail(Code::invalid_parameter,
                "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
  }
  const long long days = request.value("RecoveryWindowInDays", 30LL);
  if (days < 7 || days > 30) {
    return fail(Code::invalid_parameter, "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).");
  }
  const EpochMs now = ctx.clock.now_ms();
  if (!force && secret.deletion_date) {
    return fail(Code::invalid_request,
                "You can't perform this operation on the secret because it was already scheduled for deletion.");
  }
  const std::optional<EpochMs> when = force ? std::nullopt : std::optional<EpochMs>(now + days * k_day_ms);
  BERTH_ASSIGN(bool deleted, ctx.store.delete_secret(secret.arn, when));
  if (!deleted) return secret_not_found();
  return Json{{"ARN", secret.arn}, {"Name", secret.name}, {"DeletionDate", epoch_seconds(when.value_or(now))}};
}

}  // namespace berth::svc
