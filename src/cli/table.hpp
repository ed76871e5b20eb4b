// Aligned text tables for the human output of the verbs (`berth ps`, `berth stats`, ...): columns
// padded to their widest cell, three spaces apart, the last column unpadded; a cell may carry a
// colour, applied after padding so escapes never count as width. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace berth::cli {

enum class Colour { none, green, yellow, red, dim };

// Whether output carries colour escapes at all (decided once per run by colour_of_terminal()).
enum class Colouring { off, on };

struct Cell {
  std::string text;
  Colour colour = Colour::none;
  Cell(std::string t, Colour c = Colour::none) : text(std::move(t)), colour(c) {}  // NOLINT: rows read as text
  Cell(const char* t, Colour c = Colour::none) : text(t), colour(c) {}               // NOLINT
};

using Row = std::vector<Cell>;

// Returns `rows` (the first is the header) as lines, each column padded to its widest cell
// (counted in UTF-8 code points). Rows shorter than the header get empty cells.
std::string format_table(const std::vector<Row>& rows, Colouring colouring = Colouring::off);

// Returns `text` wrapped in the escapes of `colour` when `colouring` is on, else `text`.
std::string paint(std::string_view text, Colour colour, Colouring colouring);

// The colour a status word is shown in: green for RUNNING, ACTIVE, COMPLETED, HEALTHY, ENABLED,
// STARTED; red for STOPPED, FAILED, UNHEALTHY, INACTIVE, DRAINING, FAILED runs; yellow for what
// is on its way (PENDING, PROVISIONING, ACTIVATING, IN_PROGRESS, DEACTIVATING, STOPPING, ...).
Colour status_colour(std::string_view status);

// Whether to colour stdout: only on a terminal, never with NO_COLOR set to anything non-empty
// (no-color.org) or TERM=dumb. The pure part takes what the process would read.
Colouring colouring_for(bool is_terminal, const char* no_color, const char* term);
// The same for this process's stdout.
Colouring colour_of_terminal();

}  // namespace berth::cli
