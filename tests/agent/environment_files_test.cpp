#include "agent/environment_files.hpp"

#include <catch2/catch.hpp>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>

namespace environment_files_test {

using namespace berth;
using berth::agent::EnvironmentVariables;
using model::Json;

namespace {

Json files(std::initializer_list<const char*> values) {
  Json out = Json::array();
  for (const char* v : values) out.push_back({{"value", v}, {"type", "s3"}});
  return out;
}

// A reader and resolver over fixed texts; anything else is missing.
struct FakeSources {
  std::map<std::string, std::string> texts;
  std::vector<std::string> asked;
  agent::HostFileReader reader() {
    return [this](const std::string& path) -> Result<std::string> {
      asked.push_back(path);
      if (!texts.contains(path)) return fail(Code::client, path + ": No such file or directory");
      return texts.at(path);
    };
  }
  agent::SecretResolver resolver() {
    return [this](const std::string& arn) -> Result<std::string> {
      asked.push_back(arn);
      if (!texts.contains(arn)) return fail(Code::client, "secret " + arn + " not found");
      return texts.at(arn);
    };
  }
};

}  // namespace

TEST_CASE("env file: NAME=VALUE lines, comments and blank lines skipped, values kept as written", "[agent][envfiles]") {
  const auto vars = agent::parse_environment_file("# settings\n\nA=1\n  # indented comment\nB=x=y\nC=\r\nD= spaced value \n", "f.env");
  REQUIRE(vars.has_value());
  CHECK(*vars == EnvironmentVariables{{"A", "1"}, {"B", "x=y"}, {"C", ""}, {"D", " spaced value "}});
  CHECK(agent::parse_environment_file("", "f.env")->empty());
  CHECK(agent::parse_environment_file("A=1", "f.env")->size() == 1);  // no final newline
}

TEST_CASE("env file: a malformed line is refused naming the file and line, not its text", "[agent][envfiles]") {
  for (const std::string& text : std::vector<std::string>{"A=1\nsecret-without-equals\n", "A=1\n=value\n",
                                                          "A=1\nBAD NAME=1\n", std::string("A=1\nB=\0\n", 8)}) {
    INFO(text);
    const auto vars = agent::parse_environment_file(text, "/etc/app.env");
    REQUIRE_FALSE(vars.has_value());
    CHECK(vars.error().message == "/etc/app.env:2: not a NAME=VALUE line");
  }
}

TEST_CASE("env files: the first file wins a name, the last line of one file wins within it", "[agent][envfiles]") {
  FakeSources sources;
  sources.texts["/etc/a.env"] = "X=a1\nX=a2\nONLY_A=a\n";
  sources.texts["arn:aws:secretsmanager:local:000000000000:secret:b-AbCdEf"] = "X=b\nONLY_B=b\n";
  const auto vars = agent::resolve_environment_files(
      files({"/etc/a.env", "arn:aws:secretsmanager:local:000000000000:secret:b-AbCdEf"}), sources.resolver(),
      sources.reader());
  REQUIRE(vars.has_value());
  CHECK(*vars == EnvironmentVariables{{"X", "a2"}, {"ONLY_A", "a"}, {"ONLY_B", "b"}});
  CHECK(sources.asked == std::vector<std::string>{"/etc/a.env", "arn:aws:secretsmanager:local:000000000000:secret:b-AbCdEf"});
}

TEST_CASE("env files: a missing file, a secret that does not resolve or a bad line is a ResourceInitializationError",
          "[agent][envfiles]") {
  FakeSources sources;
  sources.texts["/etc/bad.env"] = "OK=1\n\nnot a line\n";
  sources.texts["arn:aws:ssm:local:000000000000:parameter/app/env"] = "TOKEN=very-secret\nbroken\n";
  const auto missing = agent::resolve_environment_files(files({"/etc/missing.env"}), sources.resolver(), sources.reader());
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code == Code::client);
  CHECK(missing.error().message ==
        "ResourceInitializationError: failed to download env files: /etc/missing.env: No such file or directory");
  const auto bad = agent::resolve_environment_files(files({"/etc/bad.env"}), sources.resolver(), sources.reader());
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().message == "ResourceInitializationError: failed to download env files: /etc/bad.env:3: not a NAME=VALUE line");
  const auto secret = agent::resolve_environment_files(files({"arn:aws:ssm:local:000000000000:parameter/app/env"}),
                                                       sources.resolver(), sources.reader());
  REQUIRE_FALSE(secret.has_value());
  CHECK(secret.error().message.ends_with("arn:aws:ssm:local:000000000000:parameter/app/env:2: not a NAME=VALUE line"));
  CHECK(secret.error().message.find("very-secret") == std::string::npos);
  const auto unresolved = agent::resolve_environment_files(
      files({"arn:aws:secretsmanager:local:000000000000:secret:gone"}), sources.resolver(), sources.reader());
  CHECK(unresolved.error().message.starts_with("ResourceInitializationError: failed to download env files: secret "));
  const auto no_resolver = agent::resolve_environment_files(
      files({"arn:aws:secretsmanager:local:000000000000:secret:gone"}), nullptr, sources.reader());
  CHECK(no_resolver.error().message.find("this berth resolves no secrets") != std::string::npos);
  // Registration refuses S3; a definition stored before is refused here too, without a read.
  const auto s3 = agent::resolve_environment_files(files({"arn:aws:s3:::bucket/a.env"}), sources.resolver(), sources.reader());
  CHECK_FALSE(s3.has_value());
  CHECK(sources.asked.size() == 4);
}

TEST_CASE("env files: a host file is read whole up to 64 KiB; bigger, a directory or missing is refused", "[agent][envfiles]") {
  char dir_template[] = "/tmp/berth-envfiles-XXXXXX";
  REQUIRE(::mkdtemp(dir_template) != nullptr);
  const std::string dir = dir_template;
  const auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir + "/" + name) << text;
    return dir + "/" + name;
  };
  const std::string fits = write("fits.env", "A=" + std::string(64 * 1024 - 3, 'x') + "\n");
  CHECK(agent::read_host_environment_file(fits)->size() == 64 * 1024);
  const std::string big = write("big.env", std::string(64 * 1024 + 1, '#'));
  CHECK(agent::read_host_environment_file(big).error().message == big + ": larger than 64 KiB");
  CHECK(agent::read_host_environment_file(dir).error().message == dir + ": not a regular file");
  CHECK(agent::read_host_environment_file(dir + "/none.env").error().message == dir + "/none.env: No such file or directory");
  std::remove(fits.c_str());
  std::remove(big.c_str());
  ::rmdir(dir.c_str());
}

TEST_CASE("env files: an override's list replaces the definition's", "[agent][envfiles]") {
  const Json def = {{"name", "main"}, {"environmentFiles", files({"/etc/a.env"})}};
  model::Task task;
  CHECK(agent::environment_files_of(task, def) == files({"/etc/a.env"}));
  task.overrides = {{"containerOverrides", {{{"name", "main"}, {"environmentFiles", files({"arn:aws:ssm:r:1:parameter/p"})}}}}};
  CHECK(agent::environment_files_of(task, def) == files({"arn:aws:ssm:r:1:parameter/p"}));
  task.overrides = {{"containerOverrides", {{{"name", "other"}, {"environmentFiles", files({"arn:aws:ssm:r:1:parameter/p"})}}}}};
  CHECK(agent::environment_files_of(task, def) == files({"/etc/a.env"}));
  CHECK(agent::environment_files_of(task, Json{{"name", "main"}}) == Json::array());
}

}  // namespace environment_files_test
