// Ids as a person types them: the short id a table shows, or any unambiguous prefix of the full
// one, resolved against the candidates the daemon listed. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace berth::cli {

// How many characters of an id the tables show (as `docker ps` does).
inline constexpr std::size_t k_short_id_length = 12;

struct Candidate {
  std::string kind;   // "task", "service", "task definition", "container instance", ...
  std::string id;     // what the word is matched against: a task id, a service name, ...
  std::string arn;    // what the API is then called with
  std::string label;  // shown beside the id when several match ("web:3 RUNNING")
};

// Returns the first k_short_id_length characters of `id`.
std::string short_id(std::string_view id);

// Returns the part of an ARN after its last '/' (a task's, instance's or service's own id).
std::string_view last_arn_part(std::string_view arn);

// Returns the candidate whose id is `word`; else the only one whose id starts with `word`.
// InvalidParameter when none does ("no <what> matches ...; <hint>") or several do (the message
// lists up to 10 of them with their labels and asks for more characters).
[[nodiscard]] Result<Candidate> resolve_prefix(std::string_view word, const std::vector<Candidate>& candidates,
                                               std::string_view what, std::string_view hint);

}  // namespace berth::cli
