#include "cli/flags.hpp"

#include <optional>

namespace berth::cli {

Result<ParsedArgs> parse_args(const std::vector<std::string>& args,
                              const std::set<std::string>& value_flags,
                              const std::set<std::string>& boolean_flags) {
  ParsedArgs out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      out.help = true;
      continue;
    }
    if (!arg.starts_with("--")) {
      out.positional.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2);
    std::optional<std::string> value;
    if (const auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (boolean_flags.contains(name)) {
      out.flags[name] = value.value_or("true");
      continue;
    }
    if (!value_flags.contains(name)) return fail(Code::invalid_parameter, "unknown flag --" + name);
    if (!value) {
      if (i + 1 >= args.size()) return fail(Code::invalid_parameter, "--" + name + " needs a value");
      value = args[++i];
    }
    out.flags[name] = *value;
  }
  return out;
}

}  // namespace berth::cli
