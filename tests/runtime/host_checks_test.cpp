#include "runtime/linux/host_checks.hpp"

#include <catch2/catch.hpp>

namespace host_checks_test {

using namespace berth::runtime;

TEST_CASE("host checks: kernel release versions", "[doctor]") {
  CHECK(parse_kernel_version("6.1.0-18-arm64") == KernelVersion{6, 1});
  CHECK(parse_kernel_version("4.19.94-ti-r42") == KernelVersion{4, 19});
  CHECK(parse_kernel_version("5.10") == KernelVersion{5, 10});
  CHECK_FALSE(parse_kernel_version("").has_value());
  CHECK_FALSE(parse_kernel_version("6").has_value());
  CHECK_FALSE(parse_kernel_version("6.x").has_value());
  CHECK_FALSE(parse_kernel_version("99999999999.1").has_value());
  CHECK(KernelVersion{4, 19} < KernelVersion{5, 4});
  CHECK(KernelVersion{4, 5} > KernelVersion{4, 4});

  CHECK(judge_kernel("6.1.0-18-arm64").status == CheckStatus::ok);
  CHECK(judge_kernel("4.5.0").status == CheckStatus::ok);
  const auto old = judge_kernel("4.4.302");
  CHECK(old.status == CheckStatus::fail);
  CHECK(old.fix.find("4.5") != std::string::npos);
  CHECK(judge_kernel("weird").status == CheckStatus::warn);
}

TEST_CASE("host checks: /proc/filesystems", "[doctor]") {
  const std::string text = "nodev\tsysfs\nnodev\ttmpfs\n\text4\nnodev\toverlay\n";
  CHECK(filesystem_listed(text, "overlay"));
  CHECK(filesystem_listed(text, "ext4"));
  CHECK_FALSE(filesystem_listed(text, "nodev"));
  CHECK_FALSE(filesystem_listed(text, "overlayfs"));
  CHECK_FALSE(filesystem_listed("nodev\ttmpfs\n", "overlay"));
}

TEST_CASE("host checks: cgroup v2 controllers and delegation", "[doctor]") {
  CHECK(parse_controller_list("cpuset cpu io memory hugetlb pids rdma misc\n") ==
        std::set<std::string>{"cpuset", "cpu", "io", "memory", "hugetlb", "pids", "rdma", "misc"});
  CHECK(parse_controller_list("\n").empty());

  const auto good = judge_cgroup_v2("cpuset cpu io memory pids\n", "cpu memory\n");
  CHECK(good.status == CheckStatus::ok);
  CHECK(good.found == "v2 unified; controllers: cpu cpuset io memory pids; delegated: cpu memory");

  const auto no_memory = judge_cgroup_v2("cpuset cpu io pids\n", "");
  CHECK(no_memory.status == CheckStatus::fail);
  CHECK(no_memory.fix.find("memory") != std::string::npos);
  CHECK(no_memory.found.find("delegated: none") != std::string::npos);
}

TEST_CASE("host checks: cgroup v1 mounts", "[doctor]") {
  const std::string hybrid =
      "tmpfs /sys/fs/cgroup tmpfs rw,relatime,mode=755 0 0\n"
      "cgroup /sys/fs/cgroup/cpu,cpuacct cgroup rw,nosuid,cpu,cpuacct 0 0\n"
      "cgroup /sys/fs/cgroup/memory cgroup rw,nosuid,memory 0 0\n"
      "cgroup /sys/fs/cgroup/pids cgroup rw,pids 0 0\n"
      "cgroup2 /sys/fs/cgroup/unified cgroup2 rw,nsdelegate 0 0\n";
  const auto names = cgroup_v1_controllers(hybrid);
  CHECK(names.contains("cpu"));
  CHECK(names.contains("cpuacct"));
  CHECK_FALSE(names.contains("nsdelegate"));  // a cgroup2 option, not a v1 controller
  CHECK(judge_cgroup_v1(hybrid).status == CheckStatus::ok);
  CHECK(judge_cgroup_v1(hybrid).found == "v1/hybrid; mounted: cpu memory pids");

  const auto no_pids = judge_cgroup_v1("cgroup /sys/fs/cgroup/memory cgroup rw,memory 0 0\n"
                                       "cgroup /sys/fs/cgroup/cpu cgroup rw,cpu 0 0\n");
  CHECK(no_pids.status == CheckStatus::fail);
  CHECK(no_pids.fix.find("systemd.unified_cgroup_hierarchy=1") != std::string::npos);
  CHECK(no_pids.fix.find("pids") != std::string::npos);
  CHECK(judge_cgroup_v1("").status == CheckStatus::fail);
}

TEST_CASE("host checks: available memory", "[doctor]") {
  const std::string meminfo = "MemTotal:        1000000 kB\nMemFree:   50000 kB\nMemAvailable:     524288 kB\n";
  CHECK(meminfo_kib(meminfo, "MemAvailable") == 524288u);
  CHECK(meminfo_kib(meminfo, "MemFree") == 50000u);
  CHECK_FALSE(meminfo_kib(meminfo, "Mem").has_value());
  CHECK_FALSE(meminfo_kib("MemAvailable: 12x kB\n", "MemAvailable").has_value());
  CHECK_FALSE(meminfo_kib("MemAvailable: 99999999999999999999999 kB\n", "MemAvailable").has_value());

  CHECK(judge_memory(meminfo).status == CheckStatus::ok);
  CHECK(judge_memory(meminfo).found == "512 MiB available");
  CHECK(judge_memory("MemAvailable: 131071 kB\n").status == CheckStatus::warn);
  CHECK(judge_memory("MemAvailable: 131072 kB\n").status == CheckStatus::ok);
  CHECK(judge_memory("").status == CheckStatus::warn);
}

TEST_CASE("host checks: report lines and exit code", "[doctor]") {
  std::vector<HostCheck> checks{{"runc", CheckStatus::ok, "/usr/sbin/runc: runc version 1.1.5", ""},
                                {"memory", CheckStatus::warn, "100 MiB available", "add memory"}};
  CHECK(format_report(checks) ==
        "ok   runc        /usr/sbin/runc: runc version 1.1.5\n"
        "warn memory      100 MiB available; fix: add memory\n");
  CHECK(report_exit_code(checks) == 0);
  checks.push_back({"cni", CheckStatus::fail, "missing in /x: bridge", "apt install containernetworking-plugins"});
  CHECK(format_report(checks).ends_with("FAIL cni         missing in /x: bridge; fix: apt install containernetworking-plugins\n"));
  CHECK(report_exit_code(checks) == 1);
  CHECK(report_exit_code({}) == 0);
}

}  // namespace host_checks_test
