#include "model/units.hpp"

#include "common/numbers.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>

namespace berth::model {
namespace {

std::string lower_without_spaces(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c != ' ') out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

// Parses a plain non-negative decimal ("0.25", "2", "512"); nothing else.
bool parse_decimal(std::string_view text, double& out) {
  if (text.empty() || text.size() > 16) return false;
  int dots = 0;
  for (char c : text) {
    if (c == '.') ++dots;
    else if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  if (dots > 1 || text.front() == '.' || text.back() == '.') return false;
  out = std::strtod(std::string(text).c_str(), nullptr);
  return true;
}

// "<number><unit>" with an optional unit; `scale` converts the unit to the base.
Result<std::string> normalize(std::string_view text, std::string_view unit, double scale,
                              const std::string& what, long long min, long long max) {
  std::string s = lower_without_spaces(text);
  double value = 0;
  double factor = 1;
  if (s.size() > unit.size() && s.ends_with(unit)) {
    s.resize(s.size() - unit.size());
    factor = scale;
  }
  const auto invalid = [&] {
    return fail(Code::client, "Invalid '" + what + "' setting for task: '" + std::string(text) +
                                  "'. Use a whole number of " +
                                  (what == "cpu" ? "CPU units or vCPU (e.g. \"1024\" or \"1 vCPU\")"
                                                 : "MiB or GB (e.g. \"512\" or \"1GB\")") +
                                  ".");
  };
  if (!parse_decimal(s, value)) return invalid();
  const double base = value * factor;
  if (base != std::floor(base)) return invalid();
  // Compared as a double: up to 16 digits times 1024 is beyond what a long long holds.
  if (base < static_cast<double>(min) || base > static_cast<double>(max)) {
    return fail(Code::client, "Invalid '" + what + "' setting for task: '" + std::string(text) + "' is outside " +
                                  std::to_string(min) + "–" + std::to_string(max) + ".");
  }
  return std::to_string(static_cast<long long>(base));
}

}  // namespace

Result<std::string> normalize_task_cpu(std::string_view text) {
  return normalize(text, "vcpu", 1024, "cpu", 128, 196608);
}

Result<std::string> normalize_task_memory(std::string_view text) {
  return normalize(text, "gb", 1024, "memory", 6, 16LL * 1024 * 1024);
}

std::optional<long long> task_units_of(std::string_view normalized) {
  const auto value = parse_integer<long long>(normalized);
  if (!value || *value < 0) return std::nullopt;
  return value;
}

}  // namespace berth::model
