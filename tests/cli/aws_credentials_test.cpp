// Finding the access key as the aws CLI finds it: the environment, then the shared-credentials
// file and profile, and the one-sentence errors when there is none.
#include "cli/aws_credentials.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <map>

#include "fixtures/temp_dir.hpp"

namespace aws_credentials_test {

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
  auto found = cli::credentials_of_profile(k_file, "berth", cli::IniFile::credentials);
  REQUIRE(found.has_value());
  REQUIRE(found->has_value());
  CHECK((*found)->access_key_id == "AKIABERTH");
  CHECK((*found)->secret_access_key == "berth/secret+with=signs");
  CHECK((*found)->region == "local");
  found = cli::credentials_of_profile(k_file, "default", cli::IniFile::credentials);
  REQUIRE(found.has_value());
  REQUIRE(found->has_value());
  CHECK((*found)->access_key_id == "AKIADEFAULT");
  CHECK((*found)->secret_access_key == "default-secret");
  // A missing profile has none; one with half a key has that half.
  CHECK_FALSE(cli::credentials_of_profile(k_file, "edge", cli::IniFile::credentials)->has_value());
  const auto half = cli::credentials_of_profile("[x]\naws_access_key_id = A\n", "x", cli::IniFile::credentials);
  REQUIRE(half->has_value());
  CHECK((*half)->access_key_id == "A");
  CHECK_FALSE((*half)->complete());
  // A line that is neither a section nor a setting is refused, with its number.
  const auto broken = cli::credentials_of_profile("[x]\naws_access_key_id A\n", "x", cli::IniFile::credentials);
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
  CHECK(missing.error().message.find("no key for profile edge in " + file) != std::string::npos);

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

namespace {

// An aws CLI config file: profiles as [profile NAME] and [default], a nested s3 block whose
// indented `region` is not the profile's, and a section that is not a profile.
constexpr const char* k_config =
    "[default]\n"
    "region = eu-central-1\n"
    "output = json\n"
    "[profile edge]\n"
    "s3 =\n"
    "  region = nested-not-this\n"
    "  max_concurrent_requests = 10\n"
    "region = gw-region\n"
    "aws_access_key_id = AKIACONFIG\n"
    "aws_secret_access_key = config-secret\n"
    "[edge]\n"
    "region = not-a-profile\n"
    "[sso-session corp]\n"
    "sso_region = us-east-1\n";

}  // namespace

TEST_CASE("aws config: profiles are [profile NAME] and [default], nested settings are skipped", "[cli]") {
  const auto edge = cli::credentials_of_profile(k_config, "edge", cli::IniFile::config);
  REQUIRE(edge.has_value());
  REQUIRE(edge->has_value());
  CHECK((*edge)->region == "gw-region");
  CHECK((*edge)->access_key_id == "AKIACONFIG");
  CHECK((*edge)->secret_access_key == "config-secret");
  const auto fallback = cli::credentials_of_profile(k_config, "default", cli::IniFile::config);
  REQUIRE(fallback->has_value());
  CHECK((*fallback)->region == "eu-central-1");
  CHECK_FALSE((*fallback)->complete());
  // [profile default] names the default profile too; a bare [NAME] in the config file does not.
  CHECK((*cli::credentials_of_profile("[profile default]\nregion = r\n", "default", cli::IniFile::config))->region == "r");
  CHECK_FALSE(cli::credentials_of_profile("[corp]\nregion = r\n", "corp", cli::IniFile::config)->has_value());
  CHECK_FALSE(cli::credentials_of_profile("[profilecorp]\nregion = r\n", "corp", cli::IniFile::config)->has_value());
  // In the credentials file, [profile edge] is a profile named "profile edge", and [edge] is edge.
  const auto as_credentials = cli::credentials_of_profile(k_config, "edge", cli::IniFile::credentials);
  REQUIRE(as_credentials->has_value());
  CHECK((*as_credentials)->region == "not-a-profile");
  CHECK_FALSE((*as_credentials)->complete());
  // Malformed lines are refused with their number, whichever file.
  const auto open = cli::credentials_of_profile("[default]\nregion = x\n\n[profile edge\n", "edge", cli::IniFile::config);
  REQUIRE_FALSE(open.has_value());
  CHECK(open.error().message == "line 4 opens a section it does not close");
  const auto bare = cli::credentials_of_profile("# c\n[profile edge]\nregion\n", "edge", cli::IniFile::config);
  REQUIRE_FALSE(bare.has_value());
  CHECK(bare.error().message == "line 3 is neither [profile] nor name = value");
}

TEST_CASE("aws config: the key's precedence is --profile, environment, credentials file, config file", "[cli]") {
  berth::testing::TempDir dir;
  const std::string config = dir.path + "/config";
  const std::string credentials = dir.path + "/credentials";
  std::ofstream(config) << k_config;
  std::ofstream(credentials) << "[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = file-secret\n"
                                "[edge]\naws_access_key_id = AKIAHALF\n"
                                "[berth]\naws_access_key_id = AKIABERTH\naws_secret_access_key = b\nregion = key-region\n";
  std::map<std::string, std::string> values{{"AWS_CONFIG_FILE", config}, {"AWS_SHARED_CREDENTIALS_FILE", credentials}};

  // The credentials file's key, the config file's region for the same profile.
  auto found = cli::find_aws_credentials(environment_of(values));
  REQUIRE(found.has_value());
  CHECK(found->access_key_id == "AKIAFILE");
  CHECK(found->region == "eu-central-1");
  CHECK(found->source == credentials + " [default]");

  // Half a key in the credentials file: the config file's whole one is used.
  values["AWS_PROFILE"] = "edge";
  found = cli::find_aws_credentials(environment_of(values));
  REQUIRE(found.has_value());
  CHECK(found->access_key_id == "AKIACONFIG");
  CHECK(found->region == "gw-region");
  CHECK(found->source == config + " [profile edge]");

  // The environment's key wins over the files, and still takes the profile's region.
  values["AWS_ACCESS_KEY_ID"] = "AKIAENV";
  values["AWS_SECRET_ACCESS_KEY"] = "env";
  found = cli::find_aws_credentials(environment_of(values));
  REQUIRE(found.has_value());
  CHECK(found->access_key_id == "AKIAENV");
  CHECK(found->region == "gw-region");

  // --profile wins over AWS_PROFILE and over the environment's key; with no region in the config
  // file, the credentials file's (as `berth key create` writes it) is taken.
  found = cli::find_aws_credentials(environment_of(values), "berth");
  REQUIRE(found.has_value());
  CHECK(found->access_key_id == "AKIABERTH");
  CHECK(found->region == "key-region");

  // A profile in neither file is named in the error with both files.
  auto missing = cli::find_aws_credentials(environment_of(values), "nowhere");
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().message.find("no key for profile nowhere in " + credentials + " or " + config) != std::string::npos);

  // A malformed config file is refused naming the file and the line, even when the key is elsewhere.
  std::ofstream(config) << "[default]\nregion = r\noops\n";
  missing = cli::find_aws_credentials(environment_of(values));
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code == Code::client);
  CHECK(missing.error().message == config + ": line 3 is neither [profile] nor name = value");

  // Only the config file (no credentials file at all) is enough.
  std::ofstream(config) << k_config;
  values.erase("AWS_ACCESS_KEY_ID");
  values.erase("AWS_SECRET_ACCESS_KEY");
  values["AWS_SHARED_CREDENTIALS_FILE"] = dir.path + "/absent";
  found = cli::find_aws_credentials(environment_of(values));
  REQUIRE(found.has_value());
  CHECK(found->access_key_id == "AKIACONFIG");
}

}  // namespace aws_credentials_test
