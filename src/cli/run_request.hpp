// What `berth run IMAGE [--name N] [-p HOST:CONTAINER] [-e K=V] [--memory M] -- CMD...` asks
// for, parsed from its words, and the task definition that runs it: registered once and reused
// while the same words are given again (a digest of the definition, kept as its tag, says so).
// Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "model/schema.hpp"

namespace berth::cli {

struct PortMapping {
  int host_port = 0;  // 0: a free port the gateway picks
  int container_port = 0;
  std::string protocol = "tcp";
};

// The words of `berth run` taken apart: -p/--publish and -e/--env (each may repeat) and the
// command after "--" are taken out; the rest is left for the common flag parser.
struct RunWords {
  std::vector<std::string> publish;
  std::vector<std::string> env;
  std::vector<std::string> command;
  std::vector<std::string> rest;
};
[[nodiscard]] Result<RunWords> split_run_words(const std::vector<std::string>& words);

// "8080" (the same port on the host), "0:8080" (a free host port), "80:8080/udp". Ports 1..65535
// (a host port of 0 too). InvalidParameter, saying the form, otherwise.
[[nodiscard]] Result<PortMapping> parse_port_mapping(std::string_view text);

// "K=V" (V may be empty or hold '='); K a name of letters, digits and '_' not starting with a digit.
[[nodiscard]] Result<std::pair<std::string, std::string>> parse_env(std::string_view text);

// A memory limit in MiB: "64" (MiB), "64m", "64MiB", "1g", "1GiB", "512k" ... rounded up to
// whole MiB; from 6 MiB (runc's least) to 1 TiB.
[[nodiscard]] Result<int> parse_memory_mib(std::string_view text);

// The family a run of `image` registers under without --name: its last path component without
// tag or digest, with anything but letters, digits, '-' and '_' made '-' ("busybox" for
// "docker.io/library/busybox:1.36").
std::string family_for_image(std::string_view image);

struct RunSpec {
  std::string image;
  std::string family;
  std::optional<int> memory_mib;
  std::vector<PortMapping> ports;
  std::vector<std::pair<std::string, std::string>> environment;
  std::vector<std::string> command;
};

// The RegisterTaskDefinition request for `spec`: one essential container named after the family,
// on bridge networking as `docker run` (a network namespace of its own; -p 0:PORT gets a free
// host port), memory 128 MiB unless given (ECS needs a memory figure; it is the hard limit).
model::Json run_task_definition(const RunSpec& spec);

// The tag key under which a definition registered by `berth run` keeps the digest of its request.
inline constexpr std::string_view k_run_digest_tag = "berth-run-digest";

// The SHA-256 of the canonical (sorted-key) text of `request`.
std::string request_digest(const model::Json& request);

}  // namespace berth::cli
