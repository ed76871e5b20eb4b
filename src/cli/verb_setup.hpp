// What the operator verbs (ps, services, run, deploy, ...) share: their flags (the config flags,
// --output and the verb's own), the configuration, how to print (a table or JSON, colour or not)
// and how an error ends the run. Main thread only.
#pragma once

#include <expected>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cli/api_connection.hpp"
#include "cli/flags.hpp"
#include "cli/table.hpp"
#include "common/clock.hpp"
#include "common/config.hpp"
#include "common/result.hpp"
#include "model/schema.hpp"

namespace berth::cli {

// --output table (for people, the default) or --output json (for scripts: the API's own shapes).
enum class Output { table, json };

struct VerbSetup {
  ParsedArgs args;
  Config config;
  ApiConnection api;  // the daemon's socket, or --endpoint
  Output output = Output::table;
  Colouring colouring = Colouring::off;
};

// Parses an operator verb's words (the config flags, --endpoint and its trust, --output and
// `value_flags`/`boolean_flags` of its own); prints --help. Returns the setup, or the exit code to
// return at once (0 after --help, 2 after a usage error, 1 when --endpoint finds no key; printed).
[[nodiscard]] std::expected<VerbSetup, int> setup_verb(const std::vector<std::string>& words, std::string_view verb,
                                                       std::set<std::string> value_flags = {},
                                                       const std::set<std::string>& boolean_flags = {});

// The connection `args` ask for (api_connection.hpp), or the exit code after printing why: 2 for
// a bad flag value, 1 when --endpoint finds no key.
[[nodiscard]] std::expected<ApiConnection, int> connect_verb(const ParsedArgs& args, const Config& config,
                                                             std::string_view verb);

// The --timeout flag of a verb that waits (run --wait, deploy, wait): seconds, 10 minutes when
// not given, at most 7 days; or the exit code of the usage error printed.
[[nodiscard]] std::expected<long long, int> timeout_flag(const VerbSetup& setup, std::string_view verb);

// Prints "berth: <message>" to stderr, then `advice` (what to do) if not empty; returns 1.
int report_failure(const Error& error, std::string_view advice = "");
inline int report_failure(const std::unexpected<Error>& error, std::string_view advice = "") {
  return report_failure(error.error(), advice);
}

// Prints `value` as indented JSON on stdout.
void print_json(const model::Json& value);

// Prints what a changing verb did on stdout: the API's `reply` with --output json, else `line`
// (the task id, "web: desired 1 -> 2"); flushed, as the verb may go on to wait.
void print_reply(const VerbSetup& setup, const model::Json& reply, const std::string& line);

// The value of the verb's flag `name`, or `otherwise` when it was not given.
std::string flag_value(const VerbSetup& setup, const std::string& name, std::string otherwise = "");

// Prints a list verb's `items` on stdout: the table `format` makes of them now, or with
// --output json the API's own shape, {"<member>": [...]}.
using TableFormat = std::string (*)(const std::vector<model::Json>& items, EpochMs now, Colouring colouring);
void print_list(const VerbSetup& setup, const char* member, const std::vector<model::Json>& items, TableFormat format);

}  // namespace berth::cli
