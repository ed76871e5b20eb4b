#include "runtime/linux/seccomp_profile.hpp"

#include <linux/fs.h>
#include <seccomp.h>
#include <unistd.h>

#include <algorithm>

#include <cerrno>
#include <cstring>
#include <map>
#include <fcntl.h>

#include "common/thread_annotations.hpp"

namespace berth::runtime {
namespace {

using model::Json;

// Allowed for every container (Docker's default allowlist).
constexpr const char* k_always_allowed[] = {
    "accept", "accept4", "access", "adjtimex", "alarm", "bind", "brk", "cachestat", "capget",
    "capset", "chdir", "chmod", "chown", "chown32", "clock_adjtime", "clock_adjtime64",
    "clock_getres", "clock_getres_time64", "clock_gettime", "clock_gettime64", "clock_nanosleep",
    "clock_nanosleep_time64", "close", "close_range", "connect", "copy_file_range", "creat", "dup",
    "dup2", "dup3", "epoll_create", "epoll_create1", "epoll_ctl", "epoll_ctl_old", "epoll_pwait",
    "epoll_pwait2", "epoll_wait", "epoll_wait_old", "eventfd", "eventfd2", "execve", "execveat",
    "exit", "exit_group", "faccessat", "faccessat2", "fadvise64", "fadvise64_64", "fallocate",
    "fanotify_mark", "fchdir", "fchmod", "fchmodat", "fchmodat2", "fchown", "fchown32", "fchownat",
    "fcntl", "fcntl64", "fdatasync", "fgetxattr", "flistxattr", "flock", "fork", "fremovexattr",
    "fsetxattr", "fstat", "fstat64", "fstatat64", "fstatfs", "fstatfs64", "fsync", "ftruncate",
    "ftruncate64", "futex", "futex_requeue", "futex_time64", "futex_wait", "futex_waitv",
    "futex_wake", "futimesat", "getcpu", "getcwd", "getdents", "getdents64", "getegid",
    "getegid32", "geteuid", "geteuid32", "getgid", "getgid32", "getgroups", "getgroups32",
    "getitimer", "getpeername", "getpgid", "getpgrp", "getpid", "getppid", "getpriority",
    "getrandom", "getresgid", "getresgid32", "getresuid", "getresuid32", "getrlimit",
    "get_robust_list", "getrusage", "getsid", "getsockname", "getsockopt", "get_thread_area",
    "gettid", "gettimeofday", "getuid", "getuid32", "getxattr", "getxattrat", "inotify_add_watch",
    "inotify_init", "inotify_init1", "inotify_rm_watch", "io_cancel", "ioctl", "io_destroy",
    "io_getevents", "io_pgetevents", "io_pgetevents_time64", "ioprio_get", "ioprio_set",
    "io_setup", "io_submit", "ipc", "kill", "landlock_add_rule", "landlock_create_ruleset",
    "landlock_restrict_self", "lchown", "lchown32", "lgetxattr", "link", "linkat", "listen",
    "listmount", "listxattr", "listxattrat", "llistxattr", "_llseek", "lremovexattr", "lseek",
    "lsetxattr", "lstat", "lstat64", "madvise", "map_shadow_stack", "membarrier", "memfd_create",
    "memfd_secret", "mincore", "mkdir", "mkdirat", "mknod", "mknodat", "mlock", "mlock2",
    "mlockall", "mmap", "mmap2", "mprotect", "mq_getsetattr", "mq_notify", "mq_open",
    "mq_timedreceive", "mq_timedreceive_time64", "mq_timedsend", "mq_timedsend_time64",
    "mq_unlink", "mremap", "mseal", "msgctl", "msgget", "msgrcv", "msgsnd", "msync", "munlock",
    "munlockall", "munmap", "name_to_handle_at", "nanosleep", "newfstatat", "_newselect", "open",
    "openat", "openat2", "pause", "pidfd_open", "pidfd_send_signal", "pipe", "pipe2", "pkey_alloc",
    "pkey_free", "pkey_mprotect", "poll", "ppoll", "ppoll_time64", "prctl", "pread64", "preadv",
    "preadv2", "prlimit64", "process_mrelease", "pselect6", "pselect6_time64", "pwrite64",
    "pwritev", "pwritev2", "read", "readahead", "readlink", "readlinkat", "readv", "recv",
    "recvfrom", "recvmmsg", "recvmmsg_time64", "recvmsg", "remap_file_pages", "removexattr",
    "removexattrat", "rename", "renameat", "renameat2", "restart_syscall", "rmdir", "rseq",
    "rt_sigaction", "rt_sigpending", "rt_sigprocmask", "rt_sigqueueinfo", "rt_sigreturn",
    "rt_sigsuspend", "rt_sigtimedwait", "rt_sigtimedwait_time64", "rt_tgsigqueueinfo",
    "sched_getaffinity", "sched_getattr", "sched_getparam", "sched_get_priority_max",
    "sched_get_priority_min", "sched_getscheduler", "sched_rr_get_interval",
    "sched_rr_get_interval_time64", "sched_setaffinity", "sched_setattr", "sched_setparam",
    "sched_setscheduler", "sched_yield", "seccomp", "select", "semctl", "semget", "semop",
    "semtimedop", "semtimedop_time64", "send", "sendfile", "sendfile64", "sendmmsg", "sendmsg",
    "sendto", "setfsgid", "setfsgid32", "setfsuid", "setfsuid32", "setgid", "setgid32",
    "setgroups", "setgroups32", "setitimer", "setpgid", "setpriority", "setregid", "setregid32",
    "setresgid", "setresgid32", "setresuid", "setresuid32", "setreuid", "setreuid32", "setrlimit",
    "set_robust_list", "setsid", "setsockopt", "set_thread_area", "set_tid_address", "setuid",
    "setuid32", "setxattr", "setxattrat", "shmat", "shmctl", "shmdt", "shmget", "shutdown",
    "sigaltstack", "signalfd", "signalfd4", "sigprocmask", "sigreturn", "socketcall",
    "socketpair", "splice", "stat", "stat64", "statfs", "statfs64", "statmount", "statx",
    "symlink", "symlinkat", "sync", "sync_file_range", "syncfs", "sysinfo", "tee", "tgkill",
    "time", "timer_create", "timer_delete", "timer_getoverrun", "timer_gettime",
    "timer_gettime64", "timer_settime", "timer_settime64", "timerfd_create", "timerfd_gettime",
    "timerfd_gettime64", "timerfd_settime", "timerfd_settime64", "times", "tkill", "truncate",
    "truncate64", "ugetrlimit", "umask", "uname", "unlink", "unlinkat", "uretprobe", "utime",
    "utimensat", "utimensat_time64", "utimes", "vfork", "vmsplice", "wait4", "waitid", "waitpid",
    "write", "writev",
    // Debugging one's own processes (kernel >= 4.8 confines these to the container).
    "process_vm_readv", "process_vm_writev", "ptrace"};

struct CapabilityRule {
  const char* capability;
  std::vector<const char*> names;
};

// Allowed only to containers holding the capability (as Docker does).
const CapabilityRule k_capability_rules[] = {
    {"CAP_DAC_READ_SEARCH", {"open_by_handle_at"}},
    {"CAP_SYS_ADMIN", {"bpf", "clone", "clone3", "fanotify_init", "fsconfig", "fsmount", "fsopen",
                       "fspick", "lookup_dcookie", "mount", "mount_setattr", "move_mount",
                       "open_tree", "perf_event_open", "quotactl", "quotactl_fd", "setdomainname",
                       "sethostname", "setns", "syslog", "umount", "umount2", "unshare"}},
    {"CAP_SYS_BOOT", {"reboot"}},
    {"CAP_SYS_CHROOT", {"chroot"}},
    {"CAP_SYS_MODULE", {"delete_module", "init_module", "finit_module"}},
    {"CAP_SYS_PACCT", {"acct"}},
    {"CAP_SYS_PTRACE", {"kcmp", "pidfd_getfd", "process_madvise"}},
    {"CAP_SYS_RAWIO", {"iopl", "ioperm"}},
    {"CAP_SYS_TIME", {"settimeofday", "stime", "clock_settime", "clock_settime64"}},
    {"CAP_SYS_TTY_CONFIG", {"vhangup"}},
    {"CAP_SYS_NICE", {"get_mempolicy", "mbind", "set_mempolicy", "set_mempolicy_home_node"}},
    {"CAP_SYSLOG", {"syslog"}},
    {"CAP_BPF", {"bpf"}},
    {"CAP_PERFMON", {"perf_event_open"}},
};

// Architecture-specific allowances and the OCI architecture names of this build.
#if defined(__x86_64__)
constexpr const char* k_arch_allowed[] = {"arch_prctl", "modify_ldt"};
const std::vector<const char*> k_oci_arches = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"};
#elif defined(__aarch64__)
constexpr const char* k_arch_allowed[] = {"arm_fadvise64_64", "arm_sync_file_range", "sync_file_range2",
                                          "breakpoint", "cacheflush", "set_tls"};
const std::vector<const char*> k_oci_arches = {"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"};
#elif defined(__arm__)
constexpr const char* k_arch_allowed[] = {"arm_fadvise64_64", "arm_sync_file_range", "sync_file_range2",
                                          "breakpoint", "cacheflush", "set_tls"};
const std::vector<const char*> k_oci_arches = {"SCMP_ARCH_ARM"};
#else
constexpr const char* k_arch_allowed[] = {"arch_prctl"};
const std::vector<const char*> k_oci_arches = {};
#endif

Json rule(const std::vector<std::string>& names, Json args = Json::array()) {
  Json r{{"names", names}, {"action", "SCMP_ACT_ALLOW"}};
  if (!args.empty()) r["args"] = std::move(args);
  return r;
}

// For SCMP_CMP_MASKED_EQ, `value` is the mask and `value_two` what the masked bits must equal.
Json arg(int index, unsigned long long value, const char* op, unsigned long long value_two = 0) {
  return Json{{"index", index}, {"value", value}, {"valueTwo", value_two}, {"op", op}};
}

// The excluded values below `prefix`, whose top `depth` bits are fixed, as masked tests of what
// is not excluded.
void cover(const std::vector<std::uint32_t>& excluded, std::uint32_t prefix, int depth, std::vector<MaskedValue>& out) {
  if (excluded.empty()) {
    out.push_back({depth == 0 ? 0u : ~0u << (32 - depth), prefix});
    return;
  }
  if (depth == 32) return;  // the excluded value itself
  const std::uint32_t bit = 1u << (31 - depth);
  std::vector<std::uint32_t> zero, one;
  for (const std::uint32_t v : excluded) (v & bit ? one : zero).push_back(v);
  cover(zero, prefix, depth + 1, out);
  cover(one, prefix | bit, depth + 1, out);
}

}  // namespace

std::vector<MaskedValue> masked_complement(const std::vector<std::uint32_t>& excluded) {
  std::vector<MaskedValue> out;
  cover(excluded, 0, 0, out);
  return out;
}

Json refuse_project_quota_changes(Json profile) {
  if (!profile.is_object() || !profile.contains("syscalls")) return profile;
  for (auto& r : profile["syscalls"]) {
    if (r.contains("args") || r.value("action", "") != "SCMP_ACT_ALLOW") continue;
    auto& names = r["names"];
    names.erase(std::remove(names.begin(), names.end(), Json("ioctl")), names.end());
  }
  const std::vector<std::uint32_t> refused = {static_cast<std::uint32_t>(FS_IOC_FSSETXATTR),
                                              static_cast<std::uint32_t>(FS_IOC_SETFLAGS),
                                              static_cast<std::uint32_t>(FS_IOC32_SETFLAGS)};
  for (const MaskedValue& m : masked_complement(refused)) {
    profile["syscalls"].push_back(rule({"ioctl"}, Json::array({arg(1, m.mask, "SCMP_CMP_MASKED_EQ", m.value)})));
  }
  return profile;
}

Json default_seccomp_profile(const std::set<std::string>& capabilities) {
  std::vector<std::string> allowed(std::begin(k_always_allowed), std::end(k_always_allowed));
  allowed.insert(allowed.end(), std::begin(k_arch_allowed), std::end(k_arch_allowed));
  for (const auto& cap_rule : k_capability_rules) {
    if (capabilities.contains(cap_rule.capability)) {
      allowed.insert(allowed.end(), cap_rule.names.begin(), cap_rule.names.end());
    }
  }
  Json syscalls = Json::array({rule(allowed)});
  // Every socket family but AF_ALG (38) and AF_VSOCK (40).
  syscalls.push_back(rule({"socket"}, Json::array({arg(0, 38, "SCMP_CMP_LT")})));
  syscalls.push_back(rule({"socket"}, Json::array({arg(0, 39, "SCMP_CMP_EQ")})));
  syscalls.push_back(rule({"socket"}, Json::array({arg(0, 40, "SCMP_CMP_GT")})));
  // personality: only the harmless values (PER_LINUX, UNAME26, PER_LINUX32, query).
  for (unsigned long long value : {0ULL, 8ULL, 131072ULL, 131080ULL, 4294967295ULL}) {
    syscalls.push_back(rule({"personality"}, Json::array({arg(0, value, "SCMP_CMP_EQ")})));
  }
  if (!capabilities.contains("CAP_SYS_ADMIN")) {
    // clone without namespace flags only; clone3 cannot be filtered by flags, so it answers
    // ENOSYS and libc falls back to clone.
    syscalls.push_back(rule({"clone"}, Json::array({arg(0, 0x7E020000ULL, "SCMP_CMP_MASKED_EQ")})));
    syscalls.push_back({{"names", {"clone3"}}, {"action", "SCMP_ACT_ERRNO"}, {"errnoRet", 38}});
  }
  return Json{{"defaultAction", "SCMP_ACT_ERRNO"},
              {"defaultErrnoRet", 1},
              {"architectures", k_oci_arches},
              {"syscalls", syscalls}};
}

namespace {

// The profiles shared_seccomp_profile built, by capability set. Emptied when full: a gateway's
// definitions ask for a handful of sets, and a cleared entry costs one build.
class ProfileCache {
 public:
  std::shared_ptr<const SeccompProfile> get(const std::set<std::string>& capabilities) {
    MutexLock lock(m_mutex);
    if (const auto it = m_profiles.find(capabilities); it != m_profiles.end()) return it->second;
    if (m_profiles.size() >= k_max_profiles) m_profiles.clear();
    auto built = std::make_shared<const SeccompProfile>(default_seccomp_profile(capabilities));
    m_profiles.emplace(capabilities, built);
    return built;
  }

 private:
  static constexpr std::size_t k_max_profiles = 16;
  Mutex m_mutex;
  std::map<std::set<std::string>, std::shared_ptr<const SeccompProfile>> m_profiles BERTH_GUARDED_BY(m_mutex);
};

}  // namespace

std::shared_ptr<const SeccompProfile> shared_seccomp_profile(const std::set<std::string>& capabilities) {
  static ProfileCache cache;
  return cache.get(capabilities);
}

Result<SeccompReport> check_seccomp_profile(const Json& profile) {
  SeccompReport report;
  const uint32_t native = seccomp_arch_native();
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(1));
  if (!ctx) return fail(Code::server, "libseccomp: seccomp_init failed");
  struct Release {
    scmp_filter_ctx ctx;
    ~Release() { seccomp_release(ctx); }
  } release{ctx};
  switch (native) {
    case SCMP_ARCH_X86_64: report.architecture = "x86_64"; break;
    case SCMP_ARCH_AARCH64: report.architecture = "aarch64"; break;
    case SCMP_ARCH_ARM: report.architecture = "arm"; break;
    default: report.architecture = "native"; break;
  }
  for (const auto& r : profile.value("syscalls", Json::array())) {
    const std::string action = r.value("action", "");
    uint32_t scmp_action;
    if (action == "SCMP_ACT_ALLOW") scmp_action = SCMP_ACT_ALLOW;
    else if (action == "SCMP_ACT_ERRNO") scmp_action = SCMP_ACT_ERRNO(r.value("errnoRet", 1));
    else return fail(Code::invalid_parameter, "seccomp: unsupported action " + action);
    std::vector<scmp_arg_cmp> cmps;
    for (const auto& a : r.value("args", Json::array())) {
      const std::string op = a.value("op", "");
      scmp_compare cmp;
      if (op == "SCMP_CMP_EQ") cmp = SCMP_CMP_EQ;
      else if (op == "SCMP_CMP_NE") cmp = SCMP_CMP_NE;
      else if (op == "SCMP_CMP_LT") cmp = SCMP_CMP_LT;
      else if (op == "SCMP_CMP_LE") cmp = SCMP_CMP_LE;
      else if (op == "SCMP_CMP_GT") cmp = SCMP_CMP_GT;
      else if (op == "SCMP_CMP_GE") cmp = SCMP_CMP_GE;
      else if (op == "SCMP_CMP_MASKED_EQ") cmp = SCMP_CMP_MASKED_EQ;
      else return fail(Code::invalid_parameter, "seccomp: unsupported operator " + op);
      cmps.push_back({a.value("index", 0u), cmp, a.value("value", 0ULL), a.value("valueTwo", 0ULL)});
    }
    for (const auto& name : r.value("names", Json::array())) {
      const std::string n = name.get<std::string>();
      const int number = seccomp_syscall_resolve_name_arch(native, n.c_str());
      if (number == __NR_SCMP_ERROR) {
        report.unknown.push_back(n);
        continue;
      }
      if (number < 0) {
        ++report.other_architecture;
        continue;
      }
      ++report.resolved;
      const int rc = seccomp_rule_add_array(ctx, scmp_action, number,
                                            static_cast<unsigned>(cmps.size()), cmps.data());
      if (rc < 0 && rc != -EEXIST) {
        return fail(Code::invalid_parameter, "seccomp: rule for " + n + " rejected: " + std::strerror(-rc), -rc);
      }
    }
  }
  const int null_fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  const int rc = seccomp_export_bpf(ctx, null_fd);
  if (null_fd >= 0) ::close(null_fd);
  if (rc < 0) return fail(Code::invalid_parameter, std::string("seccomp: filter does not compile: ") + std::strerror(-rc));
  return report;
}

}  // namespace berth::runtime
