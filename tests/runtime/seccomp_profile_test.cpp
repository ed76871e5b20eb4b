#include "runtime/linux/seccomp_profile.hpp"

#include <linux/fs.h>

#include <algorithm>
#include <catch2/catch.hpp>

#include "runtime/oci_spec.hpp"

namespace seccomp_profile_test {

using namespace berth;
using namespace berth::runtime;
using model::Json;

namespace {

// Whether an ioctl request passes one of `tests`, as the filter compares it: the whole 64-bit
// register under each mask.
bool allowed(const std::vector<MaskedValue>& tests, std::uint64_t request) {
  return std::any_of(tests.begin(), tests.end(),
                     [&](const MaskedValue& t) { return (request & t.mask) == t.value; });
}

}  // namespace

TEST_CASE("seccomp: the masked complement matches every request but the excluded ones", "[runtime][seccomp]") {
  const std::vector<std::uint32_t> excluded = {static_cast<std::uint32_t>(FS_IOC_FSSETXATTR),
                                               static_cast<std::uint32_t>(FS_IOC_SETFLAGS),
                                               static_cast<std::uint32_t>(FS_IOC32_SETFLAGS)};
  const auto tests = masked_complement(excluded);
  CHECK(tests.size() <= 32 * excluded.size());
  std::vector<std::uint64_t> samples = {0, 1, 0x5401 /* TCGETS */, 0x40046b04 /* SPI_IOC_WR_MAX_SPEED_HZ */,
                                        0x80086601 /* FS_IOC_GETFLAGS */, 0x801c581f /* FS_IOC_FSGETXATTR */,
                                        0xffffffffu, 0x7fffffffu, 0x80000000u};
  for (const std::uint32_t e : excluded) {
    for (const std::int64_t delta : {-1, 0, 1}) samples.push_back(static_cast<std::uint32_t>(e + delta));
  }
  std::uint32_t x = 12345;
  for (int i = 0; i < 20000; ++i) samples.push_back(x = x * 1664525u + 1013904223u);
  for (const std::uint64_t request : samples) {
    const bool is_excluded = std::find(excluded.begin(), excluded.end(), static_cast<std::uint32_t>(request)) != excluded.end();
    INFO(request);
    CHECK(allowed(tests, request) == !is_excluded);
    // The kernel reads the request as an unsigned int: high bits change nothing.
    CHECK(allowed(tests, request | 0xdead000000000000ULL) == !is_excluded);
  }
  CHECK(masked_complement({}) == std::vector<MaskedValue>{{0, 0}});
  CHECK(masked_complement({0xffffffffu}).size() == 32);
}

TEST_CASE("seccomp: a storage-limited container's profile refuses the project and flag ioctls only", "[runtime][seccomp]") {
  const Json plain = default_seccomp_profile(default_capabilities());
  const Json limited = refuse_project_quota_changes(plain);
  const auto unconditional_ioctl = [](const Json& profile) {
    for (const auto& r : profile["syscalls"]) {
      if (r.contains("args")) continue;
      for (const auto& n : r["names"]) {
        if (n == "ioctl") return true;
      }
    }
    return false;
  };
  CHECK(unconditional_ioctl(plain));
  CHECK_FALSE(unconditional_ioctl(limited));
  std::size_t masked = 0;
  for (const auto& r : limited["syscalls"]) {
    if (r["names"] == Json::array({"ioctl"})) {
      REQUIRE(r["args"].size() == 1);
      CHECK(r["args"][0]["index"] == 1);
      CHECK(r["args"][0]["op"] == "SCMP_CMP_MASKED_EQ");
      CHECK(r["args"][0]["value"].get<std::uint64_t>() <= 0xffffffffULL);
      ++masked;
    }
  }
  CHECK(masked > 0);
  // What the limited profile lets through, as its ioctl rules decide it.
  std::vector<MaskedValue> ioctl_tests;
  for (const auto& r : limited["syscalls"]) {
    if (r["names"] == Json::array({"ioctl"})) {
      ioctl_tests.push_back({static_cast<std::uint32_t>(r["args"][0]["value"].get<std::uint64_t>()),
                             static_cast<std::uint32_t>(r["args"][0]["valueTwo"].get<std::uint64_t>())});
    }
  }
  for (const unsigned long refused : {FS_IOC_FSSETXATTR, FS_IOC_SETFLAGS, FS_IOC32_SETFLAGS}) {
    INFO(refused);
    CHECK_FALSE(allowed(ioctl_tests, refused));
  }
  for (const unsigned long kept : {0x5401UL /* TCGETS */, static_cast<unsigned long>(FS_IOC_FSGETXATTR),
                                   static_cast<unsigned long>(FS_IOC_GETFLAGS)}) {
    INFO(kept);
    CHECK(allowed(ioctl_tests, kept));
  }
  CHECK(limited["syscalls"].size() == plain["syscalls"].size() + masked);
  // libseccomp takes it (runc loads it with the same library).
  auto report = check_seccomp_profile(limited);
  REQUIRE(report.has_value());
  CHECK(report->resolved > 250);
  CHECK(refuse_project_quota_changes(nullptr).is_null());  // seccomp=unconfined stays so
}

TEST_CASE("seccomp: the shared profile of a capability set is built once, and is the default profile", "[runtime][seccomp]") {
  std::set<std::string> fewer = default_capabilities();
  fewer.erase("CAP_NET_RAW");
  const auto first = shared_seccomp_profile(default_capabilities());
  const auto again = shared_seccomp_profile(default_capabilities());
  const auto other = shared_seccomp_profile(fewer);
  REQUIRE(first);
  CHECK(first.get() == again.get());
  CHECK(first->rules == default_seccomp_profile(default_capabilities()));
  CHECK(first->text == first->rules.dump());
  CHECK(first.get() != other.get());
  CHECK(other->rules == default_seccomp_profile(fewer));
  // Past 16 sets the cache starts over; what was handed out stays valid.
  for (int i = 0; i < 20; ++i) {
    std::set<std::string> set = default_capabilities();
    set.insert("CAP_TEST_" + std::to_string(i));
    CHECK(shared_seccomp_profile(set)->rules == default_seccomp_profile(set));
  }
  CHECK(first->rules == default_seccomp_profile(default_capabilities()));
}

}  // namespace seccomp_profile_test
