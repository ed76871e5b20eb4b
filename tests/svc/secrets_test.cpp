#include "svc/secrets.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "api/auth/aes_gcm_cipher.hpp"
#include "fixtures/fixtures.hpp"
#include "fixtures/temp_dir.hpp"

namespace secrets_test {

using namespace berth;
using berth::testing::Json;
using berth::testing::ServiceFixture;

namespace {

constexpr const char* k_value = "s3cr3t-VALUE-that-must-not-leak";

api::auth::SecretKey test_key() {
  api::auth::SecretKey key{};
  key.fill(42);
  return key;
}

struct SecretsFixture : ServiceFixture {
  api::auth::AesGcmCipher cipher{test_key()};
  SecretsFixture() { ctx->secret_cipher = &cipher; }

  Json create(const std::string& name, const std::string& value) {
    auto created = svc::create_secret(*ctx, Json{{"Name", name}, {"SecretString", value}});
    REQUIRE_OK(created);
    return *created;
  }
  std::string value_of(const Json& request) {
    auto got = svc::get_secret_value(*ctx, request);
    REQUIRE_OK(got);
    return (*got)["SecretString"];
  }
  void put_parameter(const std::string& name, const std::string& value, const std::string& type = "String",
                     bool overwrite = false) {
    REQUIRE_OK(svc::put_parameter(*ctx, Json{{"Name", name}, {"Value", value}, {"Type", type}, {"Overwrite", overwrite}}));
  }
};

Code code_of(const Result<Json>& result) {
  REQUIRE_FALSE(result.has_value());
  return result.error().code;
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

TEST_CASE("secrets: create, read by name and ARN, versions AWSCURRENT/AWSPREVIOUS", "[secrets][svc]") {
  SecretsFixture f;
  const Json created = f.create("prod/db", "one");
  const std::string arn = created["ARN"];
  CHECK(arn.starts_with("arn:aws:secretsmanager:local:000000000000:secret:prod/db-"));
  CHECK(arn.size() == std::string("arn:aws:secretsmanager:local:000000000000:secret:prod/db-").size() + 6);

  CHECK(f.value_of({{"SecretId", "prod/db"}}) == "one");
  CHECK(f.value_of({{"SecretId", arn}}) == "one");
  CHECK(f.value_of({{"SecretId", "arn:aws:secretsmanager:local:000000000000:secret:prod/db"}}) == "one");
  CHECK(code_of(svc::get_secret_value(*f.ctx, {{"SecretId", "arn:aws:secretsmanager:other:000000000000:secret:prod/db"}})) ==
        Code::resource_not_found);
  CHECK(code_of(svc::create_secret(*f.ctx, {{"Name", "prod/db"}, {"SecretString", "x"}})) == Code::resource_exists);
  CHECK(code_of(svc::create_secret(*f.ctx, {{"Name", "bad name!"}})) == Code::invalid_parameter);
  CHECK(code_of(svc::create_secret(*f.ctx, {{"Name", "both"}, {"SecretString", "x"}, {"SecretBinary", "eA=="}})) ==
        Code::invalid_parameter);
  CHECK(code_of(svc::create_secret(*f.ctx, {{"Name", "big"}, {"SecretString", std::string(65537, 'x')}})) ==
        Code::invalid_parameter);

  const std::string first_version = created["VersionId"];
  auto second = svc::put_secret_value(*f.ctx, {{"SecretId", "prod/db"}, {"SecretString", "two"}});
  REQUIRE_OK(second);
  auto third = svc::put_secret_value(*f.ctx, {{"SecretId", "prod/db"}, {"SecretString", "three"}});
  REQUIRE_OK(third);
  CHECK(f.value_of({{"SecretId", "prod/db"}}) == "three");
  CHECK(f.value_of({{"SecretId", "prod/db"}, {"VersionStage", "AWSPREVIOUS"}}) == "two");
  CHECK(f.value_of({{"SecretId", "prod/db"}, {"VersionId", (*second)["VersionId"]}}) == "two");
  // Only two versions are kept: the first one is gone.
  CHECK(code_of(svc::get_secret_value(*f.ctx, {{"SecretId", "prod/db"}, {"VersionId", first_version}})) ==
        Code::resource_not_found);
  auto described = svc::describe_secret(*f.ctx, {{"SecretId", "prod/db"}});
  REQUIRE_OK(described);
  CHECK((*described)["VersionIdsToStages"].size() == 2);
  CHECK(described->dump().find("three") == std::string::npos);

  SECTION("a retried PutSecretValue is idempotent; another value under its token is refused") {
    const std::string token(32, 'a');
    REQUIRE_OK(svc::put_secret_value(*f.ctx, {{"SecretId", "prod/db"}, {"SecretString", "four"}, {"ClientRequestToken", token}}));
    auto retried = svc::put_secret_value(*f.ctx, {{"SecretId", "prod/db"}, {"SecretString", "four"}, {"ClientRequestToken", token}});
    REQUIRE_OK(retried);
    CHECK(f.value_of({{"SecretId", "prod/db"}, {"VersionStage", "AWSPREVIOUS"}}) == "three");
    CHECK(code_of(svc::put_secret_value(*f.ctx, {{"SecretId", "prod/db"}, {"SecretString", "five"}, {"ClientRequestToken", token}})) ==
          Code::resource_exists);
  }
  SECTION("SecretBinary round-trips as base64") {
    REQUIRE_OK(svc::create_secret(*f.ctx, {{"Name", "bin"}, {"SecretBinary", "AAEC/w=="}}));
    auto got = svc::get_secret_value(*f.ctx, {{"SecretId", "bin"}});
    REQUIRE_OK(got);
    CHECK((*got)["SecretBinary"] == "AAEC/w==");
    CHECK_FALSE(got->contains("SecretString"));
  }
}

TEST_CASE("secrets: deletion with a recovery window, or forced", "[secrets][svc]") {
  SecretsFixture f;
  f.create("a", "1");
  f.create("b", "2");
  CHECK(code_of(svc::delete_secret(*f.ctx, {{"SecretId", "a"}, {"RecoveryWindowInDays", 6}})) == Code::invalid_parameter);
  CHECK(code_of(svc::delete_secret(*f.ctx, {{"SecretId", "a"}, {"RecoveryWindowInDays", 31}})) == Code::invalid_parameter);
  CHECK(code_of(svc::delete_secret(*f.ctx, {{"SecretId", "a"}, {"RecoveryWindowInDays", 7}, {"ForceDeleteWithoutRecovery", true}})) ==
        Code::invalid_parameter);
  auto scheduled = svc::delete_secret(*f.ctx, {{"SecretId", "a"}, {"RecoveryWindowInDays", 7}});
  REQUIRE_OK(scheduled);
  CHECK((*scheduled)["DeletionDate"] == epoch_seconds(f.clock.now_ms() + 7 * 86400000LL));
  CHECK(code_of(svc::get_secret_value(*f.ctx, {{"SecretId", "a"}})) == Code::invalid_request);
  CHECK(code_of(svc::put_secret_value(*f.ctx, {{"SecretId", "a"}, {"SecretString", "x"}})) == Code::invalid_request);
  CHECK(code_of(svc::create_secret(*f.ctx, {{"Name", "a"}})) == Code::invalid_request);
  auto described = svc::describe_secret(*f.ctx, {{"SecretId", "a"}});
  REQUIRE_OK(described);
  CHECK(described->contains("DeletedDate"));

  auto listed = svc::list_secrets(*f.ctx, Json::object());
  REQUIRE_OK(listed);
  REQUIRE((*listed)["SecretList"].size() == 1);
  CHECK((*listed)["SecretList"][0]["Name"] == "b");
  auto with_deleted = svc::list_secrets(*f.ctx, {{"IncludePlannedDeletion", true}});
  REQUIRE_OK(with_deleted);
  CHECK((*with_deleted)["SecretList"].size() == 2);

  // After the window the secret is gone and its name free again.
  f.clock.advance_ms(7 * 86400000LL);
  CHECK(code_of(svc::describe_secret(*f.ctx, {{"SecretId", "a"}})) == Code::resource_not_found);
  f.create("a", "new");

  REQUIRE_OK(svc::delete_secret(*f.ctx, {{"SecretId", "b"}, {"ForceDeleteWithoutRecovery", true}}));
  CHECK(code_of(svc::describe_secret(*f.ctx, {{"SecretId", "b"}})) == Code::resource_not_found);
}

TEST_CASE("secrets: ListSecrets pages and filters", "[secrets][svc]") {
  SecretsFixture f;
  for (const char* name : {"app/one", "app/two", "db/three"}) f.create(name, "v");
  auto page = svc::list_secrets(*f.ctx, {{"MaxResults", 2}});
  REQUIRE_OK(page);
  REQUIRE((*page)["SecretList"].size() == 2);
  REQUIRE(page->contains("NextToken"));
  auto rest = svc::list_secrets(*f.ctx, {{"MaxResults", 2}, {"NextToken", (*page)["NextToken"]}});
  REQUIRE_OK(rest);
  REQUIRE((*rest)["SecretList"].size() == 1);
  CHECK((*rest)["SecretList"][0]["Name"] == "db/three");
  CHECK_FALSE(rest->contains("NextToken"));
  auto filtered = svc::list_secrets(*f.ctx, {{"Filters", {{{"Key", "name"}, {"Values", {"app/"}}}}}});
  REQUIRE_OK(filtered);
  CHECK((*filtered)["SecretList"].size() == 2);
}

TEST_CASE("parameters: versions, overwrite, selectors, SecureString", "[secrets][svc]") {
  SecretsFixture f;
  f.put_parameter("/app/url", "http://one");
  CHECK(code_of(svc::put_parameter(*f.ctx, {{"Name", "/app/url"}, {"Value", "x"}, {"Type", "String"}})) ==
        Code::parameter_already_exists);
  auto second = svc::put_parameter(*f.ctx, {{"Name", "/app/url"}, {"Value", "http://two"}, {"Overwrite", true}});
  REQUIRE_OK(second);
  CHECK((*second)["Version"] == 2);
  auto got = svc::get_parameter(*f.ctx, {{"Name", "/app/url"}});
  REQUIRE_OK(got);
  CHECK((*got)["Parameter"]["Value"] == "http://two");
  CHECK((*got)["Parameter"]["Type"] == "String");
  CHECK((*got)["Parameter"]["ARN"] == "arn:aws:ssm:local:000000000000:parameter/app/url");
  auto first = svc::get_parameter(*f.ctx, {{"Name", "/app/url:1"}});
  REQUIRE_OK(first);
  CHECK((*first)["Parameter"]["Value"] == "http://one");
  CHECK((*first)["Parameter"]["Selector"] == ":1");
  CHECK(code_of(svc::get_parameter(*f.ctx, {{"Name", "/app/url:3"}})) == Code::parameter_version_not_found);
  CHECK(code_of(svc::get_parameter(*f.ctx, {{"Name", "/app/none"}})) == Code::parameter_not_found);
  auto by_arn = svc::get_parameter(*f.ctx, {{"Name", "arn:aws:ssm:local:000000000000:parameter/app/url"}});
  REQUIRE_OK(by_arn);
  CHECK((*by_arn)["Parameter"]["Value"] == "http://two");

  CHECK(code_of(svc::put_parameter(*f.ctx, {{"Name", "/aws/x"}, {"Value", "x"}, {"Type", "String"}})) == Code::validation);
  CHECK(code_of(svc::put_parameter(*f.ctx, {{"Name", "a/b"}, {"Value", "x"}, {"Type", "String"}})) == Code::validation);
  CHECK(code_of(svc::put_parameter(*f.ctx, {{"Name", "/new"}, {"Value", "x"}})) == Code::validation);
  CHECK(code_of(svc::put_parameter(*f.ctx, {{"Name", "/big"}, {"Value", std::string(4097, 'x')}, {"Type", "String"}})) ==
        Code::validation);
  // The Advanced tier takes up to 8 KiB.
  REQUIRE_OK(svc::put_parameter(*f.ctx, {{"Name", "/big2"}, {"Value", std::string(8192, 'x')}, {"Type", "String"}, {"Tier", "Advanced"}}));

  f.put_parameter("/app/db/password", k_value, "SecureString");
  auto hidden = svc::get_parameter(*f.ctx, {{"Name", "/app/db/password"}});
  REQUIRE_OK(hidden);
  CHECK(hidden->dump().find(k_value) == std::string::npos);
  auto shown = svc::get_parameter(*f.ctx, {{"Name", "/app/db/password"}, {"WithDecryption", true}});
  REQUIRE_OK(shown);
  CHECK((*shown)["Parameter"]["Value"] == k_value);

  auto many = svc::get_parameters(*f.ctx, {{"Names", {"/app/url", "/nope"}}});
  REQUIRE_OK(many);
  CHECK((*many)["Parameters"].size() == 1);
  CHECK((*many)["InvalidParameters"] == Json::array({"/nope"}));

  auto direct = svc::get_parameters_by_path(*f.ctx, {{"Path", "/app"}});
  REQUIRE_OK(direct);
  REQUIRE((*direct)["Parameters"].size() == 1);
  CHECK((*direct)["Parameters"][0]["Name"] == "/app/url");
  auto recursive = svc::get_parameters_by_path(*f.ctx, {{"Path", "/app"}, {"Recursive", true}, {"MaxResults", 1}});
  REQUIRE_OK(recursive);
  REQUIRE((*recursive)["Parameters"].size() == 1);
  CHECK((*recursive)["Parameters"][0]["Name"] == "/app/db/password");
  auto next = svc::get_parameters_by_path(*f.ctx, {{"Path", "/app"}, {"Recursive", true}, {"NextToken", (*recursive)["NextToken"]}});
  REQUIRE_OK(next);
  REQUIRE((*next)["Parameters"].size() == 1);
  CHECK((*next)["Parameters"][0]["Name"] == "/app/url");

  REQUIRE_OK(svc::delete_parameter(*f.ctx, {{"Name", "/app/url"}}));
  CHECK(code_of(svc::delete_parameter(*f.ctx, {{"Name", "/app/url"}})) == Code::parameter_not_found);
}

TEST_CASE("parameters keep their newest 100 versions", "[secrets][svc]") {
  SecretsFixture f;
  f.put_parameter("counter", "0");
  for (int i = 1; i <= 100; ++i) f.put_parameter("counter", std::to_string(i), "String", true);
  CHECK(code_of(svc::get_parameter(*f.ctx, {{"Name", "counter:1"}})) == Code::parameter_version_not_found);
  auto oldest = svc::get_parameter(*f.ctx, {{"Name", "counter:2"}});
  REQUIRE_OK(oldest);
  CHECK((*oldest)["Parameter"]["Value"] == "1");
  auto latest = svc::get_parameter(*f.ctx, {{"Name", "counter"}});
  REQUIRE_OK(latest);
  CHECK((*latest)["Parameter"]["Version"] == 101);
}

TEST_CASE("valueFrom references resolve as ECS reads them", "[secrets][svc]") {
  SecretsFixture f;
  const std::string arn = f.create("db", R"({"user":"admin","password":"pw","port":5432})")["ARN"];
  f.create("plain", k_value);
  f.put_parameter("/app/token", "tok", "SecureString");
  f.put_parameter("flat", "f");
  const auto resolve = [&](const std::string& reference) { return svc::resolve_secret_reference(*f.ctx, reference); };

  CHECK(resolve("plain").value_or("") == k_value);
  CHECK(resolve(arn).value_or("").starts_with("{"));
  CHECK(resolve(arn + ":password::").value_or("") == "pw");
  CHECK(resolve(arn + ":port::").value_or("") == "5432");
  CHECK(resolve("arn:aws:secretsmanager:local:000000000000:secret:db:user::").value_or("") == "admin");
  CHECK(resolve(arn + ":password:AWSCURRENT:").value_or("") == "pw");
  CHECK(resolve("/app/token").value_or("") == "tok");
  CHECK(resolve("arn:aws:ssm:local:000000000000:parameter/app/token").value_or("") == "tok");
  CHECK(resolve("arn:aws:ssm:local:000000000000:parameter/flat").value_or("") == "f");

  auto missing_key = resolve(arn + ":nope::");
  REQUIRE_FALSE(missing_key.has_value());
  CHECK(missing_key.error().message.find("did not contain json key nope") != std::string::npos);
  auto not_json = resolve("arn:aws:secretsmanager:local:000000000000:secret:plain:k::");
  REQUIRE_FALSE(not_json.has_value());
  CHECK(not_json.error().message.find(k_value) == std::string::npos);
  auto missing_secret = resolve("arn:aws:secretsmanager:local:000000000000:secret:gone-AbCdEf");
  REQUIRE_FALSE(missing_secret.has_value());
  CHECK(missing_secret.error().message ==
        "unable to retrieve secret from asm: failed to fetch secret "
        "arn:aws:secretsmanager:local:000000000000:secret:gone-AbCdEf from secrets manager: ResourceNotFoundException: "
        "Secrets Manager can't find the specified secret.");
  auto missing_parameter = resolve("/app/none");
  REQUIRE_FALSE(missing_parameter.has_value());
  CHECK(missing_parameter.error().message == "unable to retrieve secrets from ssm: InvalidParameters: /app/none");
}

TEST_CASE("the database file alone holds no secret or parameter value", "[secrets][svc]") {
  testing::TempDir dir;
  const std::string db = dir.path + "/berth.db";
  {
    auto opened = store::Store::open(db);
    REQUIRE(opened.has_value());
    testing::FakeClock clock;
    svc::Context ctx(**opened, clock, ArnScope{"local", "000000000000"}, "default");
    api::auth::AesGcmCipher cipher(test_key());
    ctx.secret_cipher = &cipher;
    REQUIRE_OK(svc::create_secret(ctx, {{"Name", "distinctive-secret-name"}, {"SecretString", k_value}}));
    REQUIRE_OK(svc::put_secret_value(ctx, {{"SecretId", "distinctive-secret-name"}, {"SecretString", std::string(k_value) + "-2"}}));
    REQUIRE_OK(svc::put_parameter(ctx, {{"Name", "/p"}, {"Value", k_value}, {"Type", "SecureString"}}));
    REQUIRE_OK(svc::put_parameter(ctx, {{"Name", "/q"}, {"Value", k_value}, {"Type", "String"}}));
    // Before the store closes (the WAL still holds the pages) and after.
    const std::string live = file_bytes(db) + file_bytes(db + "-wal");
    // Names are plain text, so the search does find what is there.
    CHECK(live.find("distinctive-secret-name") != std::string::npos);
    CHECK(live.find(k_value) == std::string::npos);
  }
  CHECK(file_bytes(db).find(k_value) == std::string::npos);
}

TEST_CASE("a sealed value moved to another secret's row does not open", "[secrets][svc]") {
  SecretsFixture f;
  f.create("a", "value-of-a");
  f.create("b", "value-of-b");
  f.put_parameter("/x", "value-of-x");
  f.put_parameter("/y", "value-of-y");
  REQUIRE_OK(f.store->exec_for_test(
      "UPDATE secret_versions SET sealed = (SELECT sealed FROM secret_versions WHERE secret_name = 'b') "
      "WHERE secret_name = 'a';"
      "UPDATE parameter_versions SET sealed = (SELECT sealed FROM parameter_versions WHERE name = '/y') "
      "WHERE name = '/x';"));
  auto secret = svc::get_secret_value(*f.ctx, {{"SecretId", "a"}});
  REQUIRE_FALSE(secret.has_value());
  CHECK(secret.error().code == Code::server);
  CHECK(secret.error().message.find("value-of") == std::string::npos);
  CHECK(code_of(svc::get_parameter(*f.ctx, {{"Name", "/x"}})) == Code::server);
  CHECK(f.value_of({{"SecretId", "b"}}) == "value-of-b");
}

}  // namespace secrets_test
