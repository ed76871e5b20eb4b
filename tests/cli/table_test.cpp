#include "cli/table.hpp"

#include <catch2/catch.hpp>

namespace berth::cli::table_test {

TEST_CASE("table: columns padded to the widest cell, three spaces apart, the last unpadded", "[cli]") {
  const std::string table = format_table({{"ID", "NAME", "STATUS"}, {"a", "web-long-name", "RUNNING"}, {"bbbb", "db"}});
  CHECK(table ==
        "ID     NAME            STATUS\n"
        "a      web-long-name   RUNNING\n"
        "bbbb   db\n");
  CHECK(format_table({}).empty());
}

TEST_CASE("table: colour escapes never count as width, and only when colouring is on", "[cli]") {
  const std::vector<Row> rows{{"A", "B"}, {Cell("RUNNING", Colour::green), "x"}, {"é", "y"}};
  CHECK(format_table(rows, Colouring::off) == "A         B\nRUNNING   x\né         y\n");
  CHECK(format_table(rows, Colouring::on) == "A         B\n\033[32mRUNNING\033[0m   x\né         y\n");
  CHECK(paint("x", Colour::red, Colouring::off) == "x");
  CHECK(paint("x", Colour::red, Colouring::on) == "\033[31mx\033[0m");
}

TEST_CASE("table: status colours and when stdout gets colour", "[cli]") {
  CHECK(status_colour("RUNNING") == Colour::green);
  CHECK(status_colour("COMPLETED") == Colour::green);
  CHECK(status_colour("STOPPED") == Colour::red);
  CHECK(status_colour("FAILED") == Colour::red);
  CHECK(status_colour("PENDING") == Colour::yellow);
  CHECK(status_colour("IN_PROGRESS") == Colour::yellow);
  CHECK(status_colour("-") == Colour::none);
  CHECK(colouring_for(true, nullptr, "xterm") == Colouring::on);
  CHECK(colouring_for(false, nullptr, "xterm") == Colouring::off);
  CHECK(colouring_for(true, "1", "xterm") == Colouring::off);
  CHECK(colouring_for(true, "", "xterm") == Colouring::on);  // no-color.org: set and not empty
  CHECK(colouring_for(true, nullptr, "dumb") == Colouring::off);
}

}  // namespace berth::cli::table_test
