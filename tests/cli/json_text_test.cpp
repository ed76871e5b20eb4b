#include "cli/json_text.hpp"

#include <catch2/catch.hpp>

namespace berth::cli::json_text_test {

TEST_CASE("json text: indented members, list items, times with their age", "[cli]") {
  const auto task = model::Json::parse(R"({"lastStatus": "RUNNING", "startedAt": 1796315764.225, "cpu": 0,
    "containers": [{"name": "main", "networkBindings": [{"hostPort": 80}]}], "tags": [], "overrides": {}})");
  CHECK(format_json_text(task, 1'796'315'824'225) ==
        "containers:\n"
        "  -\n"
        "    name: main\n"
        "    networkBindings:\n"
        "      -\n"
        "        hostPort: 80\n"
        "cpu: 0\n"
        "lastStatus: RUNNING\n"
        "overrides: {}\n"
        "startedAt: 2026-12-03T16:36:04Z (1m ago)\n"
        "tags: []\n");
}

TEST_CASE("json text: depth is bounded", "[cli]") {
  model::Json deep = 1;
  for (int i = 0; i < 100; ++i) deep = model::Json::array({deep});
  const std::string text = format_json_text(deep, 0);
  CHECK(text.find("[[[") != std::string::npos);  // the part beyond the bound, as JSON
}

}  // namespace berth::cli::json_text_test
