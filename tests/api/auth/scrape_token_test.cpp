#include "api/auth/scrape_token.hpp"

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "common/files.hpp"
#include "fixtures/temp_dir.hpp"

namespace berth::scrape_token_test {

TEST_CASE("the metrics scrape token is made once, private, and checked at every start", "[auth][metrics]") {
  testing::TempDir dir;
  const std::string path = dir.path + "/metrics.token";
  auto created = api::auth::load_or_create_scrape_token(path);
  REQUIRE(created.has_value());
  CHECK(created->size() == 64);
  struct stat st{};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(read_file(path).value() == *created + "\n");
  CHECK(api::auth::load_or_create_scrape_token(path).value() == *created);

  SECTION("an operator's own token, with whitespace around it") {
    REQUIRE(write_file(path, "  my-own-scrape-token-0123\r\n", 0600).has_value());
    CHECK(api::auth::load_or_create_scrape_token(path).value() == "my-own-scrape-token-0123");
  }
  SECTION("readable by others: refused") {
    REQUIRE(::chmod(path.c_str(), 0640) == 0);
    auto refused = api::auth::load_or_create_scrape_token(path);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().message.find("chmod 600") != std::string::npos);
  }
  SECTION("too short, spaces inside, too large: refused") {
    for (const std::string& text : {std::string("short\n"), std::string("a token with spaces in it\n"),
                                   std::string(5000, 'x')}) {
      REQUIRE(write_file(path, text, 0600).has_value());
      CHECK_FALSE(api::auth::load_or_create_scrape_token(path).has_value());
    }
  }
}

TEST_CASE("a bearer header matches the scrape token exactly", "[auth][metrics]") {
  using api::auth::bearer_matches;
  using api::auth::is_bearer;
  const std::string token = "0123456789abcdef0123456789abcdef";
  CHECK(bearer_matches("Bearer " + token, token));
  CHECK(bearer_matches("bearer " + token, token));
  CHECK(bearer_matches("BEARER  " + token + " ", token));
  CHECK_FALSE(bearer_matches("Bearer " + token + "0", token));
  CHECK_FALSE(bearer_matches("Bearer " + token.substr(1), token));
  CHECK_FALSE(bearer_matches("Bearer ", token));
  CHECK_FALSE(bearer_matches("Basic " + token, token));
  CHECK_FALSE(bearer_matches("Bearer" + token, token));
  CHECK_FALSE(bearer_matches(token, token));
  CHECK_FALSE(bearer_matches("Bearer ", ""));
  CHECK_FALSE(bearer_matches("Bearer x", ""));
  CHECK(is_bearer("Bearer x"));
  CHECK_FALSE(is_bearer("AWS4-HMAC-SHA256 Credential=AKIA/20260101/local/ecs/aws4_request"));
  CHECK_FALSE(is_bearer(""));
  CHECK_FALSE(is_bearer("Bearer"));
}

}  // namespace berth::scrape_token_test
