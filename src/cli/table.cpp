#include "cli/table.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdlib>

namespace berth::cli {
namespace {

// Code points, not bytes: a cell may hold "→" or a name in any script; wide glyphs are rare
// enough in these tables to count as one.
std::size_t display_width(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string_view escape_of(Colour colour) {
  switch (colour) {
    case Colour::green: return "\033[32m";
    case Colour::yellow: return "\033[33m";
    case Colour::red: return "\033[31m";
    case Colour::dim: return "\033[2m";
    case Colour::none: break;
  }
  return "";
}

}  // namespace

std::string paint(std::string_view text, Colour colour, Colouring colouring) {
  if (colouring == Colouring::off || colour == Colour::none || text.empty()) return std::string(text);
  return std::string(escape_of(colour)) + std::string(text) + "\033[0m";
}

std::string format_table(const std::vector<Row>& rows, Colouring colouring) {
  if (rows.empty()) return "";
  const std::size_t columns = rows.front().size();
  std::vector<std::size_t> widths(columns, 0);
  for (const Row& row : rows) {
    for (std::size_t c = 0; c < columns && c < row.size(); ++c) widths[c] = std::max(widths[c], display_width(row[c].text));
  }
  std::string out;
  for (const Row& row : rows) {
    std::string line;
    for (std::size_t c = 0; c < columns; ++c) {
      const std::string_view text = c < row.size() ? std::string_view(row[c].text) : std::string_view();
      line += paint(text, c < row.size() ? row[c].colour : Colour::none, colouring);
      if (c + 1 < columns) line.append(widths[c] - display_width(text) + 3, ' ');
    }
    // An empty last cell leaves the padding of the one before it.
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

Colour status_colour(std::string_view status) {
  constexpr std::array<std::string_view, 7> k_good = {"RUNNING", "ACTIVE", "COMPLETED", "HEALTHY",
                                                      "ENABLED", "STARTED", "SUCCESSFUL"};
  constexpr std::array<std::string_view, 8> k_bad = {"STOPPED", "FAILED", "UNHEALTHY", "INACTIVE",
                                                     "DRAINING", "DEREGISTERED", "ROLLBACK_FAILED", "DISCONNECTED"};
  if (std::find(k_good.begin(), k_good.end(), status) != k_good.end()) return Colour::green;
  if (std::find(k_bad.begin(), k_bad.end(), status) != k_bad.end()) return Colour::red;
  if (status.empty() || status == "UNKNOWN" || status == "DISABLED" || status == "-") return Colour::none;
  return Colour::yellow;
}

Colouring colouring_for(bool is_terminal, const char* no_color, const char* term) {
  if (!is_terminal) return Colouring::off;
  if (no_color != nullptr && *no_color != '\0') return Colouring::off;
  if (term != nullptr && std::string_view(term) == "dumb") return Colouring::off;
  return Colouring::on;
}

Colouring colour_of_terminal() {
  return colouring_for(::isatty(STDOUT_FILENO) == 1, std::getenv("NO_COLOR"), std::getenv("TERM"));
}

}  // namespace berth::cli
