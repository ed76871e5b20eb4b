#include "model/secret_shapes.hpp"

#include <map>
#include <string>

namespace berth::model {
namespace {

using ShapeTable = std::map<std::string, const Shape*, std::less<>>;

const Shape* find_in(const ShapeTable& table, std::string_view action) {
  const auto it = table.find(action);
  return it == table.end() ? nullptr : it->second;
}

const Shape k_string = string_shape();
const Shape k_bool = boolean_shape();
const Shape k_strings = list_of(k_string);
const Shape k_tag = structure({{"Key", &k_string, true}, {"Value", &k_string, true}});
const Shape k_tags = list_of(k_tag);

// --- Secrets Manager ---
const Shape k_replica_region = structure({{"Region", &k_string}, {"KmsKeyId", &k_string}});
const Shape k_replica_regions = list_of(k_replica_region);
const Shape k_create_secret = structure({{"Name", &k_string, true},
                                         {"ClientRequestToken", &k_string},
                                         {"Description", &k_string},
                                         {"KmsKeyId", &k_string},
                                         {"SecretBinary", &k_string},
                                         {"SecretString", &k_string},
                                         {"Tags", &k_tags},
                                         {"AddReplicaRegions", &k_replica_regions},
                                         {"ForceOverwriteReplicaSecret", &k_bool}});
const Shape k_get_secret_value =
    structure({{"SecretId", &k_string, true}, {"VersionId", &k_string}, {"VersionStage", &k_string}});
const Shape k_put_secret_value = structure({{"SecretId", &k_string, true},
                                            {"ClientRequestToken", &k_string},
                                            {"SecretBinary", &k_string},
                                            {"SecretString", &k_string},
                                            {"VersionStages", &k_strings},
                                            {"RotationToken", &k_string}});
const Shape k_secret_id = structure({{"SecretId", &k_string, true}});
const Shape k_recovery_window = long_shape();
const Shape k_delete_secret = structure({{"SecretId", &k_string, true},
                                         {"RecoveryWindowInDays", &k_recovery_window},
                                         {"ForceDeleteWithoutRecovery", &k_bool}});
const Shape k_filter_key =
    enum_shape({"description", "name", "tag-key", "tag-value", "primary-region", "owning-service", "all"});
const Shape k_filter = structure({{"Key", &k_filter_key}, {"Values", &k_strings}});
const Shape k_filters = list_of(k_filter);
const Shape k_secrets_max_results = integer_shape(1, 100);
const Shape k_sort_order = enum_shape({"asc", "desc"});
const Shape k_list_secrets = structure({{"IncludePlannedDeletion", &k_bool},
                                        {"MaxResults", &k_secrets_max_results},
                                        {"NextToken", &k_string},
                                        {"Filters", &k_filters},
                                        {"SortOrder", &k_sort_order}});

// --- SSM Parameter Store ---
const Shape k_parameter_type = enum_shape({"String", "StringList", "SecureString"});
const Shape k_tier = enum_shape({"Standard", "Advanced", "Intelligent-Tiering"});
const Shape k_put_parameter = structure({{"Name", &k_string, true},
                                         {"Description", &k_string},
                                         {"Value", &k_string, true},
                                         {"Type", &k_parameter_type},
                                         {"KeyId", &k_string},
                                         {"Overwrite", &k_bool},
                                         {"AllowedPattern", &k_string},
                                         {"Tags", &k_tags},
                                         {"Tier", &k_tier},
                                         {"Policies", &k_string},
                                         {"DataType", &k_string}});
const Shape k_get_parameter = structure({{"Name", &k_string, true}, {"WithDecryption", &k_bool}});
const Shape k_get_parameters = structure({{"Names", &k_strings, true}, {"WithDecryption", &k_bool}});
const Shape k_parameter_filter =
    structure({{"Key", &k_string, true}, {"Option", &k_string}, {"Values", &k_strings}});
const Shape k_parameter_filters = list_of(k_parameter_filter);
const Shape k_parameters_max_results = integer_shape(1, 10);
const Shape k_get_parameters_by_path = structure({{"Path", &k_string, true},
                                                  {"Recursive", &k_bool},
                                                  {"ParameterFilters", &k_parameter_filters},
                                                  {"WithDecryption", &k_bool},
                                                  {"MaxResults", &k_parameters_max_results},
                                                  {"NextToken", &k_string}});
const Shape k_delete_parameter = structure({{"Name", &k_string, true}});

}  // namespace

const Shape* find_secrets_manager_request_shape(std::string_view action) {
  static const ShapeTable k_shapes = {
      {"CreateSecret", &k_create_secret},       {"GetSecretValue", &k_get_secret_value},
      {"PutSecretValue", &k_put_secret_value},  {"DescribeSecret", &k_secret_id},
      {"ListSecrets", &k_list_secrets},         {"DeleteSecret", &k_delete_secret},
  };
  return find_in(k_shapes, action);
}

const Shape* find_ssm_request_shape(std::string_view action) {
  static const ShapeTable k_shapes = {
      {"PutParameter", &k_put_parameter},         {"GetParameter", &k_get_parameter},
      {"GetParameters", &k_get_parameters},       {"GetParametersByPath", &k_get_parameters_by_path},
      {"DeleteParameter", &k_delete_parameter},
  };
  return find_in(k_shapes, action);
}

}  // namespace berth::model
