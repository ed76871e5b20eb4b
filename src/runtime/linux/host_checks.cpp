#include "runtime/linux/host_checks.hpp"

#include "common/numbers.hpp"
#include "common/split.hpp"

namespace berth::runtime {
namespace {

constexpr KernelVersion k_minimum_kernel{4, 5};
constexpr const char* k_needed_controllers[] = {"cpu", "memory", "pids"};
constexpr std::uint64_t k_low_memory_kib = 128 * 1024;

// The words of `line`, split at spaces and tabs.
std::vector<std::string_view> words_of(std::string_view line) {
  std::vector<std::string_view> words;
  std::size_t at = 0;
  while (true) {
    at = line.find_first_not_of(" \t", at);
    if (at == std::string_view::npos) return words;
    const auto end = line.find_first_of(" \t", at);
    words.push_back(line.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at));
    if (end == std::string_view::npos) return words;
    at = end;
  }
}

std::string joined(const std::set<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : " ") + name;
  return out.empty() ? "none" : out;
}

// The needed controllers absent from `present`, space-separated ("" when none is missing).
std::string missing_controllers(const std::set<std::string>& present) {
  std::string missing;
  for (const char* name : k_needed_controllers) {
    if (!present.contains(name)) missing += (missing.empty() ? "" : " ") + std::string(name);
  }
  return missing;
}

std::string_view status_word(CheckStatus status) {
  switch (status) {
    case CheckStatus::ok: return "ok  ";
    case CheckStatus::warn: return "warn";
    case CheckStatus::fail: return "FAIL";
  }
  return "?   ";
}

}  // namespace

std::optional<KernelVersion> parse_kernel_version(std::string_view release) {
  const auto major = parse_leading_integer<unsigned>(release);
  if (!major || major->length >= release.size() || release[major->length] != '.') return std::nullopt;
  const auto minor = parse_leading_integer<unsigned>(release.substr(major->length + 1));
  if (!minor) return std::nullopt;
  return KernelVersion{major->value, minor->value};
}

bool filesystem_listed(std::string_view proc_filesystems, std::string_view name) {
  for (const auto line : split(proc_filesystems, '\n')) {
    const auto words = words_of(line);
    if (!words.empty() && words.back() == name) return true;
  }
  return false;
}

std::set<std::string> parse_controller_list(std::string_view text) {
  std::set<std::string> names;
  for (const auto line : split(text, '\n')) {
    for (const auto word : words_of(line)) names.emplace(word);
  }
  return names;
}

std::set<std::string> cgroup_v1_controllers(std::string_view proc_mounts) {
  std::set<std::string> names;
  for (const auto line : split(proc_mounts, '\n')) {
    const auto fields = words_of(line);  // device mountpoint type options dump pass
    if (fields.size() < 4 || fields[2] != "cgroup") continue;
    for (const auto option : split(fields[3], ',')) names.emplace(option);
  }
  return names;
}

std::optional<std::uint64_t> meminfo_kib(std::string_view meminfo, std::string_view key) {
  for (const auto line : split(meminfo, '\n')) {
    const auto fields = words_of(line);  // "MemAvailable:" "123" "kB"
    if (fields.size() == 3 && fields[0].size() == key.size() + 1 && fields[0].starts_with(key) &&
        fields[0].back() == ':' && fields[2] == "kB") {
      return parse_integer<std::uint64_t>(fields[1]);
    }
  }
  return std::nullopt;
}

HostCheck judge_kernel(std::string_view release) {
  HostCheck check{"kernel", CheckStatus::ok, std::string(release), ""};
  const auto version = parse_kernel_version(release);
  if (!version) {
    check.status = CheckStatus::warn;
    check.fix = "cannot read the version; berth needs Linux 4.5 or newer";
  } else if (*version < k_minimum_kernel) {
    check.status = CheckStatus::fail;
    check.fix = "upgrade to Linux 4.5 or newer (cgroup2, the pids controller)";
  }
  return check;
}

HostCheck judge_cgroup_v2(std::string_view available, std::string_view delegated) {
  const auto present = parse_controller_list(available);
  HostCheck check{"cgroups", CheckStatus::ok,
                  "v2 unified; controllers: " + joined(present) + "; delegated: " +
                      joined(parse_controller_list(delegated)),
                  ""};
  if (const auto missing = missing_controllers(present); !missing.empty()) {
    check.status = CheckStatus::fail;
    check.fix = "enable the " + missing + " controller(s) in the kernel (CONFIG_CGROUP_*, CONFIG_MEMCG) "
                "or boot with cgroup_enable=memory";
  }
  return check;
}

HostCheck judge_cgroup_v1(std::string_view proc_mounts) {
  const auto mounted = cgroup_v1_controllers(proc_mounts);
  std::set<std::string> shown;
  for (const char* name : k_needed_controllers) {
    if (mounted.contains(name)) shown.emplace(name);
  }
  HostCheck check{"cgroups", CheckStatus::ok, "v1/hybrid; mounted: " + joined(shown), ""};
  if (const auto missing = missing_controllers(mounted); !missing.empty()) {
    check.status = CheckStatus::fail;
    check.fix = "boot with systemd.unified_cgroup_hierarchy=1 or mount cgroup2 on /sys/fs/cgroup "
                "(or mount the v1 " + missing + " hierarchies)";
  }
  return check;
}

HostCheck judge_memory(std::string_view meminfo) {
  HostCheck check{"memory", CheckStatus::ok, "", ""};
  const auto available = meminfo_kib(meminfo, "MemAvailable");
  if (!available) {
    check.status = CheckStatus::warn;
    check.found = "MemAvailable unreadable in /proc/meminfo";
    return check;
  }
  check.found = std::to_string(*available / 1024) + " MiB available";
  if (*available < k_low_memory_kib) {
    check.status = CheckStatus::warn;
    check.fix = "under 128 MiB: containers may not start; stop other services or add memory";
  }
  return check;
}

std::string format_report(const std::vector<HostCheck>& checks) {
  std::string out;
  for (const auto& check : checks) {
    std::string name = check.name;
    name.resize(std::max<std::size_t>(name.size(), 11), ' ');
    out += std::string(status_word(check.status)) + " " + name + " " + check.found;
    if (!check.fix.empty()) out += "; fix: " + check.fix;
    out += "\n";
  }
  return out;
}

int report_exit_code(const std::vector<HostCheck>& checks) {
  for (const auto& check : checks) {
    if (check.status == CheckStatus::fail) return 1;
  }
  return 0;
}

}  // namespace berth::runtime
