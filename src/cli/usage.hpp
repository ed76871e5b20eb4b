// Help texts of the berth verbs. Pure data; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace berth::cli {

// The overview printed by `berth --help`.
std::string_view overview_usage();

// The help of one verb, or "" for an unknown verb.
std::string_view verb_usage(std::string_view verb);

// The help of the operator verbs (ps, services, run, deploy, ...; operator_usage.cpp), or "".
std::string_view operator_verb_usage(std::string_view verb);

// "berth <version> (<arch>)".
std::string version_line();

}  // namespace berth::cli
