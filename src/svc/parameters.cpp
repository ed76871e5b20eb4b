// SSM Parameter Store use cases. Every value (String and StringList too) is sealed at rest;
// SecureString values are returned in clear only WithDecryption, as SSM does, otherwise as the
// sealed bytes in base64 (SSM returns its ciphertext there).
#include <algorithm>

#include "common/base64.hpp"
#include "common/numbers.hpp"
#include "model/paging.hpp"
#include "svc/secrets.hpp"
#include "store/update_with_retry.hpp"

namespace berth::svc {
namespace {

constexpr int k_write_attempts = 20;

std::unexpected<Error> parameter_not_found(const std::string& name) {
  return fail(Code::parameter_not_found, "Parameter " + name + " not found.");
}

// A GetParameter name: "<name>", "<arn>", either with ":<version>" (or a label, which berth
// does not keep).
struct ParameterSelector {
  std::string name;
  std::optional<long long> version;
  std::string selector;  // ":<version>" as given, for the reply
};

Result<ParameterSelector> parse_selector(Context& ctx, const std::string& text) {
  ParameterSelector out;
  std::string rest = text;
  if (is_arn(text)) {
    auto name = model::parameter_name_in_arn(ctx.arns, text);
    if (!name) return parameter_not_found(text);
    rest = *name;
  }
  if (const auto colon = rest.find(':'); colon != std::string::npos) {
    out.selector = rest.substr(colon);
    const auto version = parse_integer<long long>(rest.substr(colon + 1));
    if (!version || *version < 1) {
      return fail(Code::parameter_version_not_found,
                  "Systems Manager could not find version " + rest.substr(colon + 1) + " of " + rest.substr(0, colon) +
                      ". berth keeps no version labels.");
    }
    out.version = *version;
    rest.resize(colon);
  }
  out.name = rest;
  return out;
}

// The stored parameter a name from a request means. A parameter ARN drops the leading '/', so
// "parameter/x" may be "x" or "/x".
Result<std::optional<model::Parameter>> find(Context& ctx, const std::string& name) {
  BERTH_ASSIGN(auto found, ctx.store.find_parameter(name));
  if (!found && !name.starts_with('/')) {
    BERTH_ASSIGN(found, ctx.store.find_parameter("/" + name));
  }
  return found;
}

Result<SecretCipher*> cipher_of(const Context& ctx) {
  if (!ctx.secret_cipher) return fail(Code::server, "parameters are not available: berth has no secrets key");
  return ctx.secret_cipher;
}

// The parameter a selector names, at its version, as the reply's "Parameter" object.
Result<Json> parameter_json(Context& ctx, const ParameterSelector& selector, bool decrypt) {
  BERTH_ASSIGN(auto parameter, find(ctx, selector.name));
  if (!parameter) return parameter_not_found(selector.name);
  const long long number = selector.version.value_or(parameter->version);
  BERTH_ASSIGN(auto version, ctx.store.parameter_version(parameter->name, number));
  if (!version) {
    return fail(Code::parameter_version_not_found,
                "Systems Manager could not find version " + std::to_string(number) + " of " + parameter->name + ".");
  }
  const std::string arn = model::parameter_arn(ctx.arns, parameter->name);
  Json out{{"Name", parameter->name}, {"Type", version->type}, {"Version", version->version},
           {"LastModifiedDate", epoch_seconds(version->modified_at)}, {"ARN", arn}, {"DataType", parameter->data_type}};
  if (!selector.selector.empty()) out["Selector"] = selector.selector;
  if (version->type == "SecureString" && !decrypt) {
    out["Value"] = base64_encode(version->sealed);
  } else {
    BERTH_ASSIGN(SecretCipher * cipher, cipher_of(ctx));
    auto value = cipher->open(version->sealed, model::parameter_associated_data(arn, version->version));
    if (!value) return std::unexpected(value.error().wrap("parameter " + parameter->name));
    out["Value"] = std::move(*value);
  }
  return out;
}

std::size_t value_limit(const std::string& tier) {
  return tier == "Advanced" ? model::k_max_advanced_parameter_bytes : model::k_max_standard_parameter_bytes;
}

Result<void> check_unsupported(const Json& request) {
  if (request.contains("AllowedPattern")) {
    return fail(Code::validation, "berth does not support AllowedPattern; check values before PutParameter.");
  }
  if (request.contains("Policies")) return fail(Code::validation, "berth does not support parameter policies.");
  if (request.value("DataType", "text") != "text") return fail(Code::validation, "berth supports the DataType text only.");
  if (request.contains("Tags") && request.value("Overwrite", false)) {
    return fail(Code::validation,
                "Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please "
                "remove overwrite flag.");
  }
  return {};
}

}  // namespace

Result<std::string> read_parameter_value(Context& ctx, const std::string& name) {
  BERTH_ASSIGN(auto selector, parse_selector(ctx, name));
  BERTH_ASSIGN(auto parameter, parameter_json(ctx, selector, true));
  return parameter["Value"].get<std::string>();
}

Result<Json> put_parameter(Context& ctx, const Json& request) {
  const std::string name = request["Name"];
  BERTH_TRY(model::check_parameter_name(name));
  BERTH_TRY(check_unsupported(request));
  const std::string value = request["Value"];
  std::string tier = request.value("Tier", "Standard");
  if (tier == "Intelligent-Tiering") {
    tier = value.size() > model::k_max_standard_parameter_bytes ? "Advanced" : "Standard";
  }
  const std::size_t limit = value_limit(tier);
  if (value.empty()) return fail(Code::validation, "Parameter value must not be empty.");
  if (value.size() > limit) {
    return fail(Code::validation, tier + " tier parameters support a maximum parameter value of " +
                                      std::to_string(limit) + " characters.");
  }
  const Json tags = request.value("Tags", Json::array());
  if (tags.size() > 50) return fail(Code::validation, "A parameter can have at most 50 tags.");
  BERTH_ASSIGN(SecretCipher * cipher, cipher_of(ctx));
  const std::string arn = model::parameter_arn(ctx.arns, name);
  return store::update_with_retry(k_write_attempts, Code::server, "Parameter " + name + " kept changing; try PutParameter again.",
                                  [&]() -> Result<std::optional<Json>> {
    BERTH_ASSIGN(auto stored, ctx.store.find_parameter(name));
    if (stored && !request.value("Overwrite", false)) {
      return fail(Code::parameter_already_exists,
                  "The parameter already exists. To overwrite this value, set the overwrite option in the request "
                  "to true.");
    }
    model::Parameter parameter = stored.value_or(model::Parameter{});
    parameter.name = name;
    parameter.type = request.value("Type", parameter.type);
    if (parameter.type.empty()) return fail(Code::validation, "A parameter type is required when you create a parameter.");
    if (request.contains("Description")) parameter.description = request["Description"];
    if (!stored) parameter.tags = tags;
    parameter.tier = tier;
    parameter.version = stored ? stored->version + 1 : 1;
    parameter.modified_at = ctx.clock.now_ms();
    model::ParameterVersion version{parameter.version, parameter.type, parameter.description, parameter.modified_at, ""};
    BERTH_ASSIGN(version.sealed, cipher->seal(value, model::parameter_associated_data(arn, parameter.version)));
    BERTH_ASSIGN(bool written, ctx.store.put_parameter(parameter, version, stored ? stored->version : 0, k_max_parameters));
    if (!written) return std::nullopt;
    return Json{{"Version", parameter.version}, {"Tier", parameter.tier}};
  });
}

Result<Json> get_parameter(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto selector, parse_selector(ctx, request["Name"]));
  BERTH_ASSIGN(auto parameter, parameter_json(ctx, selector, request.value("WithDecryption", false)));
  return Json{{"Parameter", std::move(parameter)}};
}

Result<Json> get_parameters(Context& ctx, const Json& request) {
  const Json& names = request["Names"];
  if (names.empty() || names.size() > 10) return fail(Code::validation, "Names must list 1 to 10 parameters.");
  Json response{{"Parameters", Json::array()}, {"InvalidParameters", Json::array()}};
  for (const auto& name : names) {
    auto selector = parse_selector(ctx, name);
    auto parameter = selector ? parameter_json(ctx, *selector, request.value("WithDecryption", false))
                              : Result<Json>(std::unexpected(selector.error()));
    if (parameter) {
      response["Parameters"].push_back(std::move(*parameter));
    } else if (parameter.error().code == Code::parameter_not_found ||
               parameter.error().code == Code::parameter_version_not_found) {
      response["InvalidParameters"].push_back(name);
    } else {
      return std::unexpected(parameter.error());
    }
  }
  return response;
}

Result<Json> get_parameters_by_path(Context& ctx, const Json& request) {
  const std::string path = request["Path"];
  if (!path.starts_with('/') || path.size() > 2048) return fail(Code::validation, "The path must start with '/'.");
  if (path != "/") BERTH_TRY(model::check_parameter_name(path.ends_with('/') ? path.substr(0, path.size() - 1) : path));
  if (!request.value("ParameterFilters", Json::array()).empty()) {
    return fail(Code::validation, "berth does not support ParameterFilters.");
  }
  const bool recursive = request.value("Recursive", false);
  BERTH_ASSIGN(auto page, model::read_page_request(request, 10, "Parameters", "MaxResults", "NextToken"));
  const std::string prefix = path.ends_with('/') ? path : path + "/";
  Json response{{"Parameters", Json::array()}};
  std::string after = page.after;
  // Names are read in batches: without Recursive, deeper names are skipped.
  while (true) {
    BERTH_ASSIGN(auto names, ctx.store.parameter_names(prefix, after, 100));
    for (const auto& name : names) {
      after = name;
      if (!recursive && name.find('/', prefix.size()) != std::string::npos) continue;
      if (response["Parameters"].size() == page.limit) {
        response["NextToken"] = model::make_next_token("Parameters", response["Parameters"].back()["Name"]);
        return response;
      }
      auto parameter = parameter_json(ctx, ParameterSelector{name, std::nullopt, ""}, request.value("WithDecryption", false));
      if (!parameter && parameter.error().code == Code::parameter_not_found) continue;  // deleted meanwhile
      if (!parameter) return std::unexpected(parameter.error());
      response["Parameters"].push_back(std::move(*parameter));
    }
    if (names.size() < 100) return response;
  }
}

Result<Json> delete_parameter(Context& ctx, const Json& request) {
  const std::string name = request["Name"];
  BERTH_ASSIGN(bool deleted, ctx.store.delete_parameter(name));
  if (!deleted) return parameter_not_found(name);
  return Json::object();
}

}  // namespace berth::svc
