// A container's cgroup cpu.shares from its ECS cpu units. ECS maps the units to shares as they are
// (0 and 1 to the kernel's minimum, 2). Shares weigh a cgroup only against its siblings, and a
// container's siblings are its task's other containers (all under the task's cgroup), so every
// container of a task may be given its ECS shares times one common factor without changing any
// container's part of its task's CPU. berth uses the largest factor, up to 256, that keeps the
// task's largest container within the kernel's 262144: a container of cpu 0 gets 512, not 2.
// Why: a cgroup of weight 2 starved its processes for hundreds of milliseconds at a time on a busy
// machine even alone in its task (kernel 6.18, `perf sched timehist`: runc's init in such a cgroup
// waited up to 1.6 s for a CPU, against at most 17 ms at 512), and a start's runc init runs in it.
// Pure; thread-safe.
#pragma once

namespace berth::agent {

// ECS's own mapping of cpu units to shares: below 2 is 2, above 262144 is 262144.
long long ecs_cpu_shares(long long cpu);

// The shares of a container of `cpu` units whose task's largest container has `largest_cpu`
// (its own included, so largest_cpu >= cpu).
long long container_cpu_shares(long long cpu, long long largest_cpu);

}  // namespace berth::agent
