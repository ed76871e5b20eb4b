#include "model/ephemeral_storage.hpp"

namespace berth::model {
namespace {

std::optional<long long> size_of(const Json& holder) {
  if (!holder.is_object() || !holder.contains("ephemeralStorage")) return std::nullopt;
  const Json& size = holder["ephemeralStorage"].value("sizeInGiB", Json());
  if (!size.is_number_integer()) return std::nullopt;
  return size.get<long long>();
}

}  // namespace

Result<void> check_ephemeral_storage(const Json& value, const std::string& path) {
  const Json& size = value.is_object() ? value.value("sizeInGiB", Json()) : Json();
  if (!size.is_number_integer() || size.get<long long>() < k_min_ephemeral_storage_gib ||
      size.get<long long>() > k_max_ephemeral_storage_gib) {
    return fail(Code::client, path + ".sizeInGiB must be between 21 and 200.");
  }
  return {};
}

std::optional<long long> ephemeral_storage_gib(const Json& task_definition, const Json& overrides) {
  if (auto size = size_of(overrides)) return size;
  return size_of(task_definition);
}

}  // namespace berth::model
