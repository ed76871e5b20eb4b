// Finding the access key as the aws CLI finds it: the environment, then the shared-credentials
// file and profile, and the one-sentence errors when there is none.
#include "cli/aws_credentials.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <map>

#include "fixtures/temp_dir.hpp"

using namespace berth;

namespace {

cli::Environment environment_of(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const char* name) -> std::optional<std::string> {
    const auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

// What `berth key create` prints and the first start writes, with a second profile and comments.
constexpr const char* k_file =
    "# written by berth\n"
    "[default]\n"
    "aws_access_key_id = AKIADEFAULT\n"
    "aws_secret_access_key=default-secret\n"
    "\n"
    "; another key\n"
    "  [ berth ]  \n"
    "aws_access_key_id =  AKIABERTH \r\n"
    "region = local\n"
    "aws_secret_access_key = berth/secret+with=signs\n";

}  // namespace

TEST_CASE("aws credentials: a profile's key is read from shared-credentials text", "[cli]") {
  auto found = cli::credentials_of_profile(k_file, "berth");
  REQUIRE(found.has_value());
  REQUIRE(found->has_value());
  CHECK((*found)->access_key_id == "AKIABERTH");
  CHECK((*found)->secret_access_key == "berth/secret+with=signs");
  CHECK((*found)->region == "local");
  found = cli::credentials_of_profile(k_file, "default");
  REQUIRE(found.has_value());
  REQUIRE(found->has_value());
  CHECK((*found)->access_key_id == "AKIADEFAULT");
  CHECK((*found)->secret_access_key == "default-secret");
  // A missing profile, or one with half a key, has none.
  CHECK_FALSE(cli::credentials_of_profile(k_file, "edge")->has_value());
  CHECK_FALSE(cli::credentials_of_profile("[x]\naws_access_key_id = A\n", "x")->has_value());
  // A line that is neither a section nor a setting is refused, with its number.
  const auto broken = cli::credentials_of_profile("[x]\naws_access_key_id A\n", "x");
  REQUIRE_FALSE(broken.has_value());
  CHECK(broken.error().message.find("line 2") != std::string::npos);
}

TEST_CASE("aws credentials: the environment's key wins, else the file and profile the environment names", "[cli]") {
  berth::testing::TempDir dir;
  const std::string file = dir.path + "/credentials";
  std::ofstream(file) << k_file;
  std::filesystem::create_directories(dir.path + "/.aws");
  std::ofstream(dir.path + "/.aws/credentials") << "[default]\naws_access_key_id=AKIAHOME\naws_secret_access_key=home\n";

  auto found = cli::find_aws_credentials(environment_of({{"AWS_ACCESS_KEY_ID", "AKIAENV"},
                                                         {"AWS_SECRET_ACCESS_KEY", "env-secret"},
                                                         {"AWS_SHARED_CREDENTIALS_FILE", file}}));
  REQUIRE(found.has_value());
  CHECK(found->access_key_id == "AKIAENV");
  CHECK(found->secret_access_key == "env-secret");

  found = cli::find_aws_credentials(environment_of({{"AWS_SHARED_CREDENTIALS_FILE", file}, {"AWS_PROFILE", "berth"}}));
  REQUIRE(found.has_value());
  CHECK(found->access_key_id == "AKIABERTH");
  CHECK(found->source == file + " [berth]");

  found = cli::find_aws_credentials(environment_of({{"HOME", dir.path}}));
  REQUIRE(found.has_value());
  CHECK(found->access_key_id == "AKIAHOME");

  // Half a key in the environment is an error, not a silent fall-back to the file.
  auto missing = cli::find_aws_credentials(environment_of({{"AWS_ACCESS_KEY_ID", "AKIAENV"}, {"HOME", dir.path}}));
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().message.find("AWS_SECRET_ACCESS_KEY") != std::string::npos);

  missing = cli::find_aws_credentials(environment_of({{"AWS_SHARED_CREDENTIALS_FILE", file}, {"AWS_PROFILE", "edge"}}));
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code == Code::client);
  CHECK(missing.error().message.find("no key for profile edge") != std::string::npos);

  missing = cli::find_aws_credentials(environment_of({{"HOME", dir.path + "/nowhere"}}));
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().message.find("does not exist; set AWS_ACCESS_KEY_ID") != std::string::npos);
}

TEST_CASE("shared credentials: the first profile with both keys, as `berth key create` prints it", "[cli][log_forward]") {
  const auto key = cli::parse_shared_credentials(
      "# policy admin; the secret is not shown again\n[empty]\nregion = x\n[forwarder]\n"
      "aws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s3cr3t/Key+\nregion = eu-local\n",
      "key.txt", "local");
  REQUIRE(key.has_value());
  CHECK(key->access_key_id == "AKIAEXAMPLE");
  CHECK(key->secret_access_key == "s3cr3t/Key+");
  CHECK(key->region == "eu-local");
  // Without a region the given one is used.
  const auto bare = cli::parse_shared_credentials("[default]\naws_access_key_id=A\r\naws_secret_access_key=B\r\n", "k", "local");
  REQUIRE(bare.has_value());
  CHECK(bare->region == "local");
}

TEST_CASE("shared credentials: a file without a whole key, or with a bad value, is refused naming the file", "[cli][log_forward]") {
  for (const char* text : {"", "aws_access_key_id = A\naws_secret_access_key = B\n", "[p]\naws_access_key_id = A\n",
                           "[p]\naws_access_key_id = A B\naws_secret_access_key = C\n",
                           "[p]\naws_access_key_id A\naws_secret_access_key = C\n"}) {
    const auto key = cli::parse_shared_credentials(text, "key.txt", "local");
    REQUIRE_FALSE(key.has_value());
    CHECK(key.error().code == Code::invalid_parameter);
    CHECK(key.error().message.starts_with("key.txt: "));
  }
}
