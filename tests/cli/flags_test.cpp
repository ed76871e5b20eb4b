#include "cli/flags.hpp"

#include <catch2/catch.hpp>

#include "cli/usage.hpp"

namespace flags_test {

using namespace berth::cli;

TEST_CASE("flags: --k v, --k=v, booleans, help, positionals", "[cli]") {
  auto r = parse_args({"--data-dir", "/d", "--listen=1.2.3.4:5", "--force", "pos", "-h"},
                      {"data-dir", "listen"}, {"force"});
  REQUIRE(r.has_value());
  CHECK(r->flags.at("data-dir") == "/d");
  CHECK(r->flags.at("listen") == "1.2.3.4:5");
  CHECK(r->flags.at("force") == "true");
  CHECK(r->positional == std::vector<std::string>{"pos"});
  CHECK(r->help);
  CHECK_FALSE(parse_args({"--nope", "x"}, {"data-dir"}).has_value());
  CHECK_FALSE(parse_args({"--data-dir"}, {"data-dir"}).has_value());
}

TEST_CASE("usage: every verb has help", "[cli]") {
  for (const char* verb : {"serve", "version", "help", "doctor"}) CHECK_FALSE(verb_usage(verb).empty());
  CHECK(verb_usage("fly").empty());
  CHECK(version_line().rfind("berth ", 0) == 0);
}

}  // namespace flags_test
