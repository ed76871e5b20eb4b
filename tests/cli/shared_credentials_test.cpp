#include "cli/shared_credentials.hpp"

#include <catch2/catch.hpp>

using namespace berth;
using berth::cli::parse_shared_credentials;

TEST_CASE("shared credentials: the first profile with both keys, as `berth key create` prints it", "[cli][log_forward]") {
  const auto key = parse_shared_credentials(
      "# policy admin; the secret is not shown again\n[empty]\nregion = x\n[forwarder]\n"
      "aws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s3cr3t/Key+\nregion = eu-local\n",
      "key.txt", "local");
  REQUIRE(key.has_value());
  CHECK(key->access_key_id == "AKIAEXAMPLE");
  CHECK(key->secret_access_key == "s3cr3t/Key+");
  CHECK(key->region == "eu-local");
  // Without a region the given one is used.
  const auto bare = parse_shared_credentials("[default]\naws_access_key_id=A\r\naws_secret_access_key=B\r\n", "k", "local");
  REQUIRE(bare.has_value());
  CHECK(bare->region == "local");
}

TEST_CASE("shared credentials: a file without a whole key, or with a bad value, is refused naming the file", "[cli][log_forward]") {
  for (const char* text : {"", "aws_access_key_id = A\naws_secret_access_key = B\n", "[p]\naws_access_key_id = A\n",
                           "[p]\naws_access_key_id = A B\naws_secret_access_key = C\n"}) {
    const auto key = parse_shared_credentials(text, "key.txt", "local");
    REQUIRE_FALSE(key.has_value());
    CHECK(key.error().code == Code::invalid_parameter);
    CHECK(key.error().message.starts_with("key.txt: "));
  }
}
