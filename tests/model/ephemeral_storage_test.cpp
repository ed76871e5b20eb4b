#include "model/ephemeral_storage.hpp"

#include <catch2/catch.hpp>

namespace ephemeral_storage_test {

using namespace berth;
using namespace berth::model;

TEST_CASE("ephemeral storage: sizeInGiB 21 to 200 is accepted, anything else named by its path", "[model]") {
  CHECK(check_ephemeral_storage({{"sizeInGiB", 21}}, "ephemeralStorage").has_value());
  CHECK(check_ephemeral_storage({{"sizeInGiB", 200}}, "ephemeralStorage").has_value());
  for (const Json& bad : {Json{{"sizeInGiB", 20}}, Json{{"sizeInGiB", 201}}, Json{{"sizeInGiB", -1}},
                          Json{{"sizeInGiB", "30"}}, Json{{"sizeInGiB", 30.5}}, Json::object(), Json("30")}) {
    auto checked = check_ephemeral_storage(bad, "overrides.ephemeralStorage");
    INFO(bad.dump());
    REQUIRE_FALSE(checked.has_value());
    CHECK(checked.error().code == Code::client);
    CHECK(checked.error().message == "overrides.ephemeralStorage.sizeInGiB must be between 21 and 200.");
  }
}

TEST_CASE("ephemeral storage: a task's limit is its override's, else its definition's, else none", "[model]") {
  const Json td = {{"family", "f"}, {"ephemeralStorage", {{"sizeInGiB", 30}}}};
  CHECK(ephemeral_storage_gib(td, Json::object()) == 30);
  CHECK(ephemeral_storage_gib(td, {{"ephemeralStorage", {{"sizeInGiB", 60}}}}) == 60);
  CHECK(ephemeral_storage_gib({{"family", "f"}}, {{"ephemeralStorage", {{"sizeInGiB", 25}}}}) == 25);
  CHECK_FALSE(ephemeral_storage_gib({{"family", "f"}}, Json::object()).has_value());
  CHECK_FALSE(ephemeral_storage_gib({{"family", "f"}}, Json()).has_value());
}

}  // namespace ephemeral_storage_test
