#include "store/update_with_retry.hpp"

#include <catch2/catch.hpp>

namespace update_with_retry_test {

using namespace berth;

TEST_CASE("update_with_retry: a lost race is read again, a won one returns its result", "[store]") {
  int calls = 0;
  auto result = store::update_with_retry(5, Code::server, "kept changing", [&]() -> Result<std::optional<int>> {
    ++calls;
    if (calls < 3) return std::nullopt;  // another writer bumped the version twice
    return 42;
  });
  REQUIRE(result.has_value());
  CHECK(*result == 42);
  CHECK(calls == 3);
}

TEST_CASE("update_with_retry: an error ends the loop at once", "[store]") {
  int calls = 0;
  auto result = store::update_with_retry(5, Code::server, "kept changing", [&]() -> Result<std::optional<int>> {
    ++calls;
    return fail(Code::service_not_found, "Service not found.");
  });
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code == Code::service_not_found);
  CHECK(calls == 1);
}

TEST_CASE("update_with_retry: a writer that keeps losing fails with the given error after the bound", "[store]") {
  int calls = 0;
  auto result = store::update_with_retry(7, Code::conflict, "Schedule s kept changing", [&]() -> Result<std::optional<int>> {
    ++calls;
    return std::nullopt;
  });
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code == Code::conflict);
  CHECK(result.error().message == "Schedule s kept changing");
  CHECK(calls == 7);
}

}  // namespace update_with_retry_test
