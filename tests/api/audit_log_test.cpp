// The audit log: JSON lines, mode 0600, rotation within its bound, surviving write errors.
#include "api/audit_log.hpp"

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "fixtures/temp_dir.hpp"
#include "model/json_parse.hpp"

namespace audit_log_test {

using namespace berth;
using namespace berth::api;
using model::Json;

namespace {

AuditEntry entry(int n) {
  return AuditEntry{1795000000000 + n, "key:AKIAEXAMPLE", "ecs:RunTask",
                    {"arn:aws:ecs:local:000000000000:cluster/plant-7", "arn:aws:ecs:local:000000000000:task-definition/web:" +
                                                                           std::to_string(n)},
                    "allowed"};
}

std::vector<Json> lines_of(const std::string& path) {
  std::vector<Json> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    auto json = model::parse_json(line, "an audit line");
    INFO(line);
    REQUIRE(json.has_value());
    out.push_back(*json);
  }
  return out;
}

std::unique_ptr<AuditLog> open_log(const std::string& path, std::uint64_t max_bytes = 1 << 20, int kept = 2) {
  auto log = AuditLog::open(path, max_bytes, kept);
  REQUIRE(log.has_value());
  return std::move(*log);
}

unsigned mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

}  // namespace

TEST_CASE("Audit lines are JSON with the entry's fields, in mode 0600", "[api][audit]") {
  testing::TempDir dir;
  const std::string path = dir.path + "/audit.log";
  {
    std::ofstream(path) << "";
    ::chmod(path.c_str(), 0644);
  }
  auto log = open_log(path);
  CHECK(mode_of(path) == 0600);
  log->record(entry(1));
  AuditEntry odd{0, "uid:0", "secretsmanager:PutSecretValue", {"arn:\"quoted\"\n\\ line", "\xff\xfe not utf-8"}, "200"};
  log->record(odd);
  const auto lines = lines_of(path);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == Json{{"time", "2026-11-18T11:06:40.001Z"}, {"principal", "key:AKIAEXAMPLE"}, {"action", "ecs:RunTask"},
                         {"resources", entry(1).resources}, {"result", "allowed"}});
  CHECK(lines[1]["time"] == "1970-01-01T00:00:00.000Z");
  CHECK(lines[1]["resources"][0] == "arn:\"quoted\"\n\\ line");
  CHECK(lines[1]["resources"][1].get<std::string>().ends_with(" not utf-8"));
  CHECK(lines[1].size() == 5);

  // A new file made by the log is 0600 whatever the umask.
  const mode_t old_umask = ::umask(0);
  auto fresh = open_log(dir.path + "/fresh.log");
  ::umask(old_umask);
  CHECK(mode_of(dir.path + "/fresh.log") == 0600);
}

TEST_CASE("Rotation keeps the newest entries within (kept + 1) files of max_bytes", "[api][audit]") {
  testing::TempDir dir;
  const std::string path = dir.path + "/audit.log";
  auto log = open_log(path, 4096, 2);
  for (int n = 0; n < 1000; ++n) log->record(entry(n));
  namespace fs = std::filesystem;
  CHECK_FALSE(fs::exists(path + ".3"));
  std::vector<Json> kept;
  for (const std::string& file : {path + ".2", path + ".1", path}) {
    REQUIRE(fs::exists(file));
    CHECK(fs::file_size(file) <= 4096);
    CHECK(mode_of(file) == 0600);
    for (auto& line : lines_of(file)) kept.push_back(std::move(line));
  }
  // Oldest to newest, without gaps, ending with the last entry.
  REQUIRE(kept.size() > 30);
  for (std::size_t i = 1; i < kept.size(); ++i) {
    CHECK(kept[i]["resources"][1] != kept[i - 1]["resources"][1]);
  }
  CHECK(kept.back()["resources"][1] == "arn:aws:ecs:local:000000000000:task-definition/web:999");
  CHECK(kept.front()["resources"][1] ==
        "arn:aws:ecs:local:000000000000:task-definition/web:" + std::to_string(1000 - kept.size()));

  auto alone = open_log(dir.path + "/alone.log", 4096, 0);
  for (int n = 0; n < 200; ++n) alone->record(entry(n));
  CHECK(fs::file_size(dir.path + "/alone.log") <= 4096);
  CHECK_FALSE(fs::exists(dir.path + "/alone.log.1"));
}

TEST_CASE("A line too long for a file keeps the resources that fit and counts the rest", "[api][audit]") {
  AuditEntry big = entry(0);
  big.resources.assign(100, std::string(100, 'r'));
  const std::string line = AuditLog::format(big, 4095);
  CHECK(line.size() <= 4095);
  auto json = model::parse_json(line, "the line");
  REQUIRE(json.has_value());
  CHECK((*json)["resources"].size() + (*json)["resourcesOmitted"].get<std::size_t>() == 100);
  CHECK_FALSE(model::parse_json(AuditLog::format(entry(0), 4095), "")->contains("resourcesOmitted"));
}

TEST_CASE("A write error is survived and writing resumes when it can", "[api][audit]") {
  testing::TempDir dir;
  const std::string logs = dir.path + "/logs";
  std::filesystem::create_directory(logs);
  auto log = open_log(logs + "/audit.log", 4096, 1);
  log->record(entry(0));
  std::filesystem::remove_all(logs);
  // Rotation cannot reopen the file now: entries are dropped, nothing throws.
  for (int n = 1; n < 100; ++n) log->record(entry(n));
  std::filesystem::create_directory(logs);
  log->record(entry(100));
  const auto lines = lines_of(logs + "/audit.log");
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]["resources"][1] == "arn:aws:ecs:local:000000000000:task-definition/web:100");
}

TEST_CASE("Bounds out of range are refused", "[api][audit]") {
  testing::TempDir dir;
  CHECK_FALSE(AuditLog::open(dir.path + "/a.log", 100, 2).has_value());
  CHECK_FALSE(AuditLog::open(dir.path + "/a.log", 4096, 10).has_value());
  CHECK_FALSE(AuditLog::open(dir.path + "/a.log", 4096, -1).has_value());
  const auto missing = AuditLog::open(dir.path + "/no/such/dir/a.log");
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code == Code::server);
}

TEST_CASE("Mutating calls are all but Describe*, List*, Get*, BatchGet*", "[api][audit]") {
  for (const char* action : {"ecs:RunTask", "ecs:TagResource", "CreateCluster", "secretsmanager:PutSecretValue",
                             "ssm:DeleteParameters", "iam:CreateAccessKey", "scheduler:UpdateSchedule",
                             "berth:RegisterPrivilegedTaskDefinition"}) {
    CHECK(is_mutating(action));
  }
  for (const char* action : {"ecs:DescribeTasks", "ecs:ListClusters", "ssm:GetParametersByPath", "secretsmanager:GetSecretValue",
                             "ecs:BatchGetThings", "ListSchedules"}) {
    CHECK_FALSE(is_mutating(action));
  }
}

}  // namespace audit_log_test
