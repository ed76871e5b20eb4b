#include "cli/id_prefix.hpp"

#include <catch2/catch.hpp>

namespace berth::cli::id_prefix_test {

TEST_CASE("id prefix: an exact id, else the one id a prefix names", "[cli]") {
  const std::vector<Candidate> tasks{{"task", "19d24502d5cd", "arn:1", "web:1 RUNNING"},
                                     {"task", "19e00000aaaa", "arn:2", "web:2 RUNNING"},
                                     {"task", "7b1fb65fb021", "arn:3", "db:1 STOPPED"}};
  CHECK(resolve_prefix("7", tasks, "task", "hint")->arn == "arn:3");
  CHECK(resolve_prefix("19d", tasks, "task", "hint")->arn == "arn:1");
  CHECK(resolve_prefix("19e00000aaaa", tasks, "task", "hint")->arn == "arn:2");
  // An exact id wins over longer ids it is a prefix of.
  const std::vector<Candidate> services{{"service", "web", "s:1", ""}, {"service", "web-canary", "s:2", ""}};
  CHECK(resolve_prefix("web", services, "service", "hint")->arn == "s:1");
  CHECK(resolve_prefix("web-", services, "service", "hint")->arn == "s:2");
}

TEST_CASE("id prefix: none or several matches are one clear error", "[cli]") {
  const std::vector<Candidate> tasks{{"task", "19d24502d5cd", "arn:1", "web:1 RUNNING"},
                                     {"task", "19e00000aaaa", "arn:2", "web:2 RUNNING"}};
  const auto none = resolve_prefix("ff", tasks, "task", "`berth ps` lists them");
  REQUIRE_FALSE(none);
  CHECK(none.error().message == "no task matches 'ff'; `berth ps` lists them");
  const auto several = resolve_prefix("19", tasks, "task", "hint");
  REQUIRE_FALSE(several);
  CHECK(several.error().message ==
        "'19' matches 2 tasks; give more characters of the one you mean:\n"
        "  19d24502d5cd  task  web:1 RUNNING\n"
        "  19e00000aaaa  task  web:2 RUNNING");
  CHECK_FALSE(resolve_prefix("", tasks, "task", "hint"));
  std::vector<Candidate> many(12, Candidate{"task", "abc", "", ""});
  for (std::size_t i = 0; i < many.size(); ++i) many[i].id += std::to_string(i);
  CHECK(resolve_prefix("abc", many, "task", "hint").error().message.ends_with("\n  ... and 2 more"));
  CHECK(short_id("19d24502d5cda058d4b2aefeed77a518") == "19d24502d5cd");
  CHECK(last_arn_part("arn:aws:ecs:local:0:task/default/19d2") == "19d2");
}

}  // namespace berth::cli::id_prefix_test
