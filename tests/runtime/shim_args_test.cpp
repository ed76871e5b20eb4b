#include "runtime/shim/shim.hpp"

#include <catch2/catch.hpp>

using namespace berth::runtime;

TEST_CASE("shim arguments carry the terminal and stdin settings through a restart", "[runtime][attach]") {
  ShimOptions options;
  options.id = "t-main";
  options.bundle = options.state_dir = "/run/berth/containers/t-main";
  options.runc_root = "/run/berth/runc";
  options.log_path = "/var/lib/berth/logs/t-main.log";
  options.terminal = true;
  options.open_stdin = true;
  const auto words = shim_args(options);
  auto parsed = parse_shim_args({words.begin() + 1, words.end()});
  REQUIRE(parsed.has_value());
  CHECK(parsed->terminal);
  CHECK(parsed->open_stdin);
  CHECK(parsed->id == "t-main");

  // Saved by a berth from before terminals: neither.
  auto older = parse_shim_args({"--id", "t-main", "--bundle", "/b", "--state", "/s", "--runc-root", "/r", "--log", "/l"});
  REQUIRE(older.has_value());
  CHECK_FALSE(older->terminal);
  CHECK_FALSE(older->open_stdin);
  CHECK_FALSE(parse_shim_args({"--id", "t", "--bundle", "/b", "--state", "/s", "--runc-root", "/r", "--log", "/l",
                               "--terminal", "yes"}).has_value());
}
