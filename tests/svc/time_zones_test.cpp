#include "svc/time_zones.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

namespace time_zones_test {

using berth::Code;
using berth::svc::TimeZoneLibrary;

namespace {

// A zone directory holding one copy of tzdata's Europe/Berlin, so a test can then delete it.
struct ZoneDir {
  std::filesystem::path root = std::filesystem::temp_directory_path() / "berth-time-zones-test";
  ZoneDir() {
    std::filesystem::remove_all(root);
    std::filesystem::create_directories(root / "Europe");
    std::filesystem::copy_file("/usr/share/zoneinfo/Europe/Berlin", root / "Europe/Berlin");
    std::ofstream(root / "Not_A_Zone") << "plain text";
  }
  ~ZoneDir() { std::filesystem::remove_all(root); }
};

}  // namespace

TEST_CASE("TimeZoneLibrary reads a zone file once and keeps it") {
  ZoneDir dir;
  TimeZoneLibrary zones(dir.root.string());
  auto berlin = zones.named("Europe/Berlin");
  REQUIRE(berlin.has_value());
  CHECK((*berlin)->offset_at(1'700'000'000) == 3600);  // 2023-11-14: CET
  CHECK((*berlin)->offset_at(1'690'000'000) == 7200);  // 2023-07-22: CEST
  std::filesystem::remove(dir.root / "Europe/Berlin");
  auto again = zones.named("Europe/Berlin");
  REQUIRE(again.has_value());
  CHECK(again->get() == berlin->get());
}

TEST_CASE("TimeZoneLibrary answers UTC without a file and refuses what is not a zone") {
  ZoneDir dir;
  TimeZoneLibrary zones(dir.root.string());
  auto utc = zones.named("UTC");
  REQUIRE(utc.has_value());
  CHECK((*utc)->offset_at(1'700'000'000) == 0);
  for (const char* bad : {"Europe/Paris", "Not_A_Zone", "../etc/passwd", "", "Europe//Berlin"}) {
    INFO(bad);
    auto refused = zones.named(bad);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().code == Code::invalid_parameter);
    CHECK(refused.error().message == std::string("Invalid time zone '") + bad + "'.");
  }
}

}  // namespace time_zones_test
