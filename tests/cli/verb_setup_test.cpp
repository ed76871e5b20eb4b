#include "cli/verb_setup.hpp"

#include <catch2/catch.hpp>

namespace berth::cli::verb_setup_test {

TEST_CASE("verb setup: a verb's flags with their defaults, and --output", "[cli]") {
  auto setup = setup_verb({"--config", "/dev/null", "--service", "web", "--output", "json"}, "ps", {"service", "reason"});
  REQUIRE(setup);
  CHECK(setup->output == Output::json);
  CHECK(setup->colouring == Colouring::off);
  CHECK(flag_value(*setup, "service") == "web");
  CHECK(flag_value(*setup, "service", "other") == "web");
  CHECK(flag_value(*setup, "reason").empty());
  CHECK(flag_value(*setup, "reason", "Task stopped by berth stop") == "Task stopped by berth stop");

  auto table = setup_verb({"--config", "/dev/null"}, "ps", {"service"});
  REQUIRE(table);
  CHECK(table->output == Output::table);
  // A usage error ends the run with exit code 2 (its message goes to stderr).
  const auto bad = setup_verb({"--config", "/dev/null", "--output", "yaml"}, "ps");
  REQUIRE_FALSE(bad);
  CHECK(bad.error() == 2);
  CHECK(setup_verb({"--config", "/dev/null", "--nothing"}, "ps").error() == 2);
}

}  // namespace berth::cli::verb_setup_test
