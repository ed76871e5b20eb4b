// Fargate's rules for task definitions that require the FARGATE compatibility: ECS registers
// such a definition only if Fargate could run it, so berth checks the same rules (it never runs
// one: a gateway has no Fargate, and awsvpc tasks need AWS). Pure; thread-safe.
#pragma once

#include "common/result.hpp"
#include "model/schema.hpp"

namespace berth::model {

// True if the Fargate table has `memory` MiB for `cpu` units (256: 512, 1024, 2048; 512: 1–4 GiB;
// 1024: 2–8 GiB; 2048: 4–16 GiB in 1 GiB steps; 4096: 8–30 GiB in 1 GiB steps; 8192: 16–60 GiB in
// 4 GiB steps; 16384: 32–120 GiB in 8 GiB steps).
bool is_fargate_size(long long cpu, long long memory);

// True if the task definition body lists FARGATE in requiresCompatibilities.
bool requires_fargate(const Json& body);

// Checks a normalised task definition body (task cpu and memory as decimal strings) against
// Fargate's rules: networkMode awsvpc, task cpu and memory set and a Fargate size, and none of
// what Fargate does not provide (privileged, links, host volumes, Docker volumes, devices, tmpfs,
// swap, sharedMemorySize, capabilities beyond SYS_PTRACE, dockerSecurityOptions, GPUs, ipcMode,
// pidMode host, placement constraints). ClientException, naming what is wrong, otherwise.
[[nodiscard]] Result<void> check_fargate_rules(const Json& body);

}  // namespace berth::model
