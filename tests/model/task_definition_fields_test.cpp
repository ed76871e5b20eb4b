#include "model/task_definition_fields.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "fixtures/fixtures.hpp"
#include "model/request_shapes.hpp"
#include "model/task_definition.hpp"
#include "model/task_requests.hpp"

namespace task_definition_fields_test {

using namespace berth;
using namespace berth::model;
using berth::testing::make_task_def;

namespace {

std::string rejection(Json body) {
  if (auto shaped = check_shape(body, request_shapes::register_task_definition); !shaped) {
    return "shape: " + shaped.error().message;
  }
  auto r = normalize_task_definition(body);
  return r ? "" : r.error().message;
}

Json with_container(const Json& patch) {
  Json td = make_task_def();
  td["containerDefinitions"][0].merge_patch(patch);
  return td;
}

Json with_task(const Json& patch) {
  Json td = make_task_def();
  td.merge_patch(patch);
  return td;
}

// The README's "Task definition fields" rows as "path support", in order.
std::vector<std::string> readme_rows() {
  std::ifstream in(std::string(BERTH_SOURCE_DIR) + "/README.md");
  // The VM guests mount the repository elsewhere (tests/vm/vm.sh) and run the units from it.
  if (!in.good()) in = std::ifstream("README.md");
  REQUIRE(in.good());
  std::vector<std::string> rows;
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    if (line.starts_with("#")) inside = line == "### Task definition fields";
    if (!inside || !line.starts_with("| `")) continue;
    const auto path_end = line.find("` |");
    REQUIRE(path_end != std::string::npos);
    const auto support_start = path_end + 4;
    const auto support_end = line.find(" |", support_start);
    rows.push_back(line.substr(3, path_end - 3) + " " + line.substr(support_start, support_end - support_start));
  }
  return rows;
}

// A value of each field that asks for something and that every other check of the definition
// accepts: only the field table can refuse it (refused rows), and an honoured row's
// value must register (a row flipped to honoured whose field is still refused elsewhere fails).
const std::map<std::string, Json>& asking_values() {
  static const std::map<std::string, Json> k_values = {
      {"taskRoleArn", "arn:aws:iam::123456789012:role/app"},
      {"pidMode", "task"},
      {"ipcMode", "task"},
      {"proxyConfiguration", {{"containerName", "webapp"}}},
      {"inferenceAccelerators", Json::array({{{"deviceName", "d"}, {"deviceType", "eia2.medium"}}})},
      {"ephemeralStorage", {{"sizeInGiB", 30}}},
      {"runtimePlatform", {{"operatingSystemFamily", "LINUX"}, {"cpuArchitecture", "X86_64"}}},
      {"enableFaultInjection", true},
      {"volumes.efsVolumeConfiguration", {{"fileSystemId", "fs-1"}}},
      {"volumes.fsxWindowsFileServerVolumeConfiguration",
       {{"fileSystemId", "fs-1"}, {"rootDirectory", "/"},
        {"authorizationConfig", {{"credentialsParameter", "arn"}, {"domain", "d"}}}}},
      {"volumes.s3filesVolumeConfiguration", {{"fileSystemArn", "arn:aws:s3files:local:000000000000:file-system/fs-1"}}},
      {"volumes.configuredAtLaunch", true},
      {"containerDefinitions.links", Json::array({"other"})},
      {"containerDefinitions.restartPolicy", {{"enabled", true}}},
      {"containerDefinitions.versionConsistency", "enabled"},
      {"containerDefinitions.environmentFiles", Json::array({{{"value", "/etc/app.env"}, {"type", "s3"}}})},
      {"containerDefinitions.volumesFrom", Json::array({{{"sourceContainer", "other"}}})},
      {"containerDefinitions.disableNetworking", true},
      {"containerDefinitions.dockerSecurityOptions", Json::array({"seccomp=unconfined"})},
      {"containerDefinitions.interactive", true},
      {"containerDefinitions.pseudoTerminal", true},
      {"containerDefinitions.dockerLabels", {{"team", "edge"}}},
      {"containerDefinitions.systemControls", Json::array({{{"namespace", "net.core.somaxconn"}, {"value", "1024"}}})},
      {"containerDefinitions.resourceRequirements", Json::array({{{"type", "GPU"}, {"value", "1"}}})},
      {"containerDefinitions.firelensConfiguration", {{"type", "fluentbit"}}},
      {"containerDefinitions.credentialSpecs", Json::array({"credentialspecdomainless:arn"})},
      {"containerDefinitions.linuxParameters.devices", Json::array({{{"hostPath", "/dev/ttyUSB0"}}})},
      {"containerDefinitions.linuxParameters.initProcessEnabled", true},
      {"containerDefinitions.linuxParameters.sharedMemorySize", 128},
      {"containerDefinitions.linuxParameters.swappiness", 10},
  };
  return k_values;
}

// A definition that sets `row`'s field to its asking value, with a second container for the
// fields that name one, and no port mappings (disableNetworking refuses them).
Json definition_asking_for(const FieldRow& row) {
  Json td = make_task_def();
  td["containerDefinitions"][0].erase("portMappings");
  td["containerDefinitions"].push_back({{"name", "other"}, {"image", "busybox"}, {"memory", 32}});
  td["volumes"] = Json::array({{{"name", "data"}}});
  const Json& value = asking_values().at(field_path(row));
  const std::string name(row.name);
  switch (row.scope) {
    case FieldScope::task: td[name] = value; break;
    case FieldScope::volume: td["volumes"][0][name] = value; break;
    case FieldScope::container: td["containerDefinitions"][0][name] = value; break;
    case FieldScope::linux_parameters:
      // swappiness needs maxSwap, which needs the container's memory (set by make_task_def).
      td["containerDefinitions"][0]["linuxParameters"] = {{"maxSwap", 64}, {name, value}};
      break;
  }
  return td;
}

}  // namespace

TEST_CASE("the field table and the README's table list the same fields with the same support", "[model][fields]") {
  std::vector<std::string> table;
  for (const FieldRow& row : task_definition_fields()) {
    table.push_back(field_path(row) + " " + std::string(to_string(row.support)));
  }
  CHECK(table == readme_rows());
}

TEST_CASE("the field table has one row per member of the four ECS shapes", "[model][fields]") {
  std::map<FieldScope, int> per_scope;
  std::set<std::string> paths;
  for (const FieldRow& row : task_definition_fields()) {
    ++per_scope[row.scope];
    CHECK(paths.insert(field_path(row)).second);
    CHECK_FALSE(row.note.empty());
  }
  // botocore 1.43: RegisterTaskDefinitionRequest 18, Volume 7, ContainerDefinition 42, LinuxParameters 7.
  CHECK(per_scope[FieldScope::task] == 18);
  CHECK(per_scope[FieldScope::volume] == 7);
  CHECK(per_scope[FieldScope::container] == 42);
  CHECK(per_scope[FieldScope::linux_parameters] == 7);
}

TEST_CASE("every refused field is refused by name when it asks for something", "[model][fields]") {
  for (const FieldRow& row : task_definition_fields()) {
    if (row.support == Support::honoured) continue;
    const std::string path = field_path(row);
    INFO(path);
    REQUIRE(asking_values().contains(path));
    const std::string why = rejection(definition_asking_for(row));
    CHECK(why.find(std::string(row.name)) != std::string::npos);
    CHECK(why.find(std::string(row.name) + " is not supported: " + std::string(row.note) + ".") != std::string::npos);
  }
}

TEST_CASE("an honoured field's asking value registers", "[model][fields]") {
  int checked = 0;
  for (const FieldRow& row : task_definition_fields()) {
    if (row.support != Support::honoured || !asking_values().contains(field_path(row))) continue;
    INFO(field_path(row));
    CHECK(rejection(definition_asking_for(row)) == "");
    ++checked;
  }
  CHECK(checked == 20);  // every field issue 21 turned from silently ignored into honoured
}

TEST_CASE("fields are accepted when they ask for nothing", "[model][fields]") {
  CHECK(rejection(with_container(Json::parse(
            R"({"links":[],"dockerLabels":{},"interactive":false,"pseudoTerminal":false,"disableNetworking":false,
                "restartPolicy":{"enabled":false},"versionConsistency":"disabled","environmentFiles":[],"systemControls":[],
                "dockerSecurityOptions":["no-new-privileges","apparmor=unconfined"],"credentialSpecs":[],
                "linuxParameters":{"initProcessEnabled":false,"devices":[]}})"))) == "");
  CHECK(rejection(with_task(Json::parse(R"({"enableFaultInjection":false,"inferenceAccelerators":[]})"))) == "");
}

TEST_CASE("the messages name the container or volume of the refused field", "[model][fields]") {
  CHECK(rejection(with_container({{"credentialSpecs", Json::array({"credentialspec:file://gmsa.json"})}})) ==
        "Invalid setting for container 'webapp'. credentialSpecs is not supported: gMSA credential specs need Active "
        "Directory, which berth does not provide.");
  CHECK(rejection(with_task({{"volumes", {{{"name", "nfs"}, {"efsVolumeConfiguration", {{"fileSystemId", "fs-1"}}}}}}})) ==
        "Volume 'nfs': efsVolumeConfiguration is not supported: Amazon EFS is not reachable from a berth gateway; use "
        "host.sourcePath or a local volume.");
  CHECK(rejection(with_task({{"taskRoleArn", "arn:aws:iam::1:role/r"}})) ==
        "taskRoleArn is not supported: berth has no IAM, so containers would get no role credentials; give them "
        "what they need as secrets.");
}

TEST_CASE("settings berth can never apply in their combination are refused with the reason", "[model][fields]") {
  auto host = [](const Json& container) {
    Json td = with_container(container);
    td["networkMode"] = "host";
    td["containerDefinitions"][0]["portMappings"][0]["hostPort"] = 8080;
    return td;
  };
  CHECK(rejection(host({{"dnsServers", {"1.1.1.1"}}})) ==
        "Invalid setting for container 'webapp'. 'dnsServers' is not supported with networkMode 'host': the "
        "container uses the host's /etc/resolv.conf.");
  CHECK(rejection(host({{"extraHosts", {{{"hostname", "db"}, {"ipAddress", "10.0.0.2"}}}}})).find(
            "'extraHosts' is not supported with networkMode 'host'") != std::string::npos);
  Json none = with_container({{"dnsSearchDomains", {"example.com"}}});
  none["networkMode"] = "none";
  none["containerDefinitions"][0].erase("portMappings");
  CHECK(rejection(none).find("'dnsSearchDomains' is not supported with networkMode 'none'") != std::string::npos);
  CHECK(rejection(with_container({{"dnsServers", {"1.1.1.1"}}})) == "");  // bridge writes resolv.conf

  CHECK(rejection(with_container({{"disableNetworking", true}})) ==
        "Invalid setting for container 'webapp'. 'disableNetworking' cannot be combined with portMappings.");
  CHECK(rejection(with_container({{"logConfiguration", {{"logDriver", "splunk"}}}})) ==
        "Invalid setting for container 'webapp'. Log driver splunk is not supported by berth. Supported log "
        "drivers: awslogs, journald, json-file, none, syslog.");
  CHECK(rejection(with_container({{"logConfiguration", {{"logDriver", "awslogs"}}}})) ==
        "Invalid setting for container 'webapp'. logConfiguration.options 'awslogs-group' is required by the "
        "awslogs driver.");
  CHECK(rejection(with_container({{"logConfiguration", {{"logDriver", "awslogs"}, {"options", {{"awslogs-group", "g"}}}}}})) == "");
  CHECK(rejection(with_container({{"logConfiguration", {{"logDriver", "json-file"}, {"options", {{"max-size", "1m"}}}}}}))
            .find("logConfiguration.options 'max-size' is not a json-file option berth knows") != std::string::npos);
  CHECK(rejection(with_container(
            {{"logConfiguration", {{"logDriver", "json-file"}, {"secretOptions", {{{"name", "a"}, {"valueFrom", "b"}}}}}}}))
            .find("logConfiguration.secretOptions are not supported") != std::string::npos);
  CHECK(rejection(with_container({{"systemControls", {{{"namespace", "vm.overcommit_memory"}, {"value", "1"}}}}}))
            .find("systemControls 'vm.overcommit_memory' is not a namespaced kernel parameter") != std::string::npos);
  CHECK(rejection(with_container({{"resourceRequirements", {{{"type", "InferenceAccelerator"}, {"value", "d"}}}}}))
            .find("resourceRequirements InferenceAccelerator is not supported") != std::string::npos);
  CHECK(rejection(with_container(
            {{"environmentFiles", {{{"value", "arn:aws:s3:::bucket/app.env"}, {"type", "s3"}}}}}))
            .find("environmentFiles 'arn:aws:s3:::bucket/app.env': S3 does not exist on a berth gateway.") !=
        std::string::npos);
}

TEST_CASE("Docker security options that can never apply are refused naming the option", "[model][fields]") {
  auto option = [](const char* o) { return rejection(with_container({{"dockerSecurityOptions", {o}}})); };
  CHECK(option("label:type:svirt_t").find("'label:type:svirt_t': SELinux labels are not supported") != std::string::npos);
  CHECK(option("credentialspec:file://x.json").find("'credentialspec:file://x.json': credential specs") != std::string::npos);
  CHECK(option("seccomp=/etc/profile.json").find("'seccomp=/etc/profile.json': berth applies its own seccomp") !=
        std::string::npos);
  CHECK(option("bogus").find("'bogus' is not a Docker security option.") != std::string::npos);
  CHECK(option("no-new-privileges:true") == "");
  CHECK(option("no-new-privileges:false").find("'no-new-privileges:false': berth always sets no-new-privileges") !=
        std::string::npos);
  for (const char* honoured : {"label:disable", "seccomp=unconfined", "seccomp:unconfined", "systempaths=unconfined",
                               "apparmor:plc-reader", "apparmor=unconfined"}) {
    INFO(honoured);
    CHECK(option(honoured) == "");
  }
}

TEST_CASE("linuxParameters that depend on another setting name it", "[model][fields]") {
  Json no_memory = with_container({{"linuxParameters", {{"maxSwap", 64}}}});
  no_memory["containerDefinitions"][0].erase("memory");
  no_memory["containerDefinitions"][0]["memoryReservation"] = 64;
  CHECK(rejection(no_memory).find("linuxParameters.maxSwap needs the container's 'memory'") != std::string::npos);
  CHECK(rejection(with_container({{"linuxParameters", {{"maxSwap", 64}}}})) == "");
  CHECK(rejection(with_container({{"linuxParameters", {{"swappiness", 10}}}})).find(
            "linuxParameters.swappiness needs linuxParameters.maxSwap.") != std::string::npos);
  for (const Json& size : {Json(0), Json(-1), Json((1LL << 20) + 1)}) {
    INFO(size.dump());
    CHECK(rejection(with_container({{"linuxParameters", {{"sharedMemorySize", size}}}})) ==
          "Invalid setting for container 'webapp'. linuxParameters.sharedMemorySize must be 1 to 1048576 MiB.");
  }
  CHECK(rejection(with_container({{"linuxParameters", {{"sharedMemorySize", 1LL << 20}}}})) == "");
  Json host_ipc = with_container({{"linuxParameters", {{"sharedMemorySize", 128}}}});
  host_ipc["ipcMode"] = "host";
  CHECK(rejection(host_ipc).find("sharedMemorySize cannot be set with ipcMode 'host'") != std::string::npos);
  CHECK(rejection(with_container(Json::parse(
            R"({"linuxParameters":{"tmpfs":[{"containerPath":"/t","size":8,"mountOptions":["noexec","mode=1777"]}]}})"))) == "");
  CHECK(rejection(with_container(Json::parse(
            R"({"linuxParameters":{"tmpfs":[{"containerPath":"/t","size":8,"mountOptions":["sneaky"]}]}})"))) ==
        "Invalid setting for container 'webapp'. linuxParameters.tmpfs mountOptions 'sneaky' is not an option ECS allows.");
  CHECK(rejection(with_container(Json::parse(
            R"({"linuxParameters":{"tmpfs":[{"containerPath":"/t","size":8,"mountOptions":["mode="]}]}})"))) != "");
}

TEST_CASE("task settings refused in some of their values", "[model][fields]") {
  CHECK(rejection(with_task({{"requiresCompatibilities", {"MANAGED_INSTANCES"}}})) ==
        "requiresCompatibilities MANAGED_INSTANCES is not supported: berth runs tasks on its own container instances "
        "(EC2, EXTERNAL).");
  // FARGATE registers by Fargate's rules (model/fargate_rules.hpp): this bridge definition breaks them.
  CHECK(rejection(with_task({{"requiresCompatibilities", {"FARGATE"}}})) == "Fargate only supports network mode 'awsvpc'.");
  CHECK(rejection(with_task({{"requiresCompatibilities", {"EC2", "EXTERNAL"}}})) == "");
  CHECK(rejection(with_task({{"runtimePlatform", {{"operatingSystemFamily", "WINDOWS_SERVER_2022_CORE"}}}})) ==
        "runtimePlatform.operatingSystemFamily WINDOWS_SERVER_2022_CORE is not supported: berth runs Linux "
        "containers only.");
  CHECK(rejection(with_task({{"ephemeralStorage", {{"sizeInGiB", 20}}}})) ==
        "ephemeralStorage.sizeInGiB must be between 21 and 200.");
  CHECK(rejection(with_task({{"volumes", {{{"name", "v"}, {"dockerVolumeConfiguration", {{"driver", "rexray"}}}}}}}))
            .find("Volume 'v': dockerVolumeConfiguration.driver 'rexray' is not supported") != std::string::npos);
  CHECK(rejection(with_task(
            {{"volumes", {{{"name", "v"}, {"dockerVolumeConfiguration", {{"driverOpts", {{"type", "nfs"}}}}}}}}}))
            .find("Volume 'v': dockerVolumeConfiguration.driverOpts are not supported") != std::string::npos);
  CHECK(rejection(with_task({{"volumes", {{{"name", "v"}, {"dockerVolumeConfiguration", {{"autoprovision", false}}}}}}})) ==
        "Volume 'v': dockerVolumeConfiguration.autoprovision false needs scope 'shared': a task-scoped volume is "
        "created for each task.");
  CHECK(rejection(with_task({{"volumes", {{{"name", "v"}, {"dockerVolumeConfiguration",
                                                            {{"scope", "shared"}, {"autoprovision", false}}}}}}})) == "");
  CHECK(rejection(with_task({{"volumes", {{{"name", "v"}, {"dockerVolumeConfiguration",
                                                            {{"scope", "shared"}, {"driver", "local"}, {"autoprovision", true},
                                                             {"labels", {{"k", "v"}}}}}}}}})) == "");
}

TEST_CASE("RunTask overrides follow their definition field's row", "[model][fields]") {
  auto run = [](const Json& patch) {
    Json body = {{"taskDefinition", "web"}};
    body.merge_patch(patch);
    if (auto shaped = check_shape(body, request_shapes::run_task); !shaped) return "shape: " + shaped.error().message;
    auto r = decode_run_task(body);
    return r ? std::string() : r.error().message;
  };
  CHECK(run({{"overrides", {{"taskRoleArn", "arn:aws:iam::1:role/r"}}}}).starts_with(
      "overrides.taskRoleArn is not supported: berth has no IAM"));
  CHECK(run({{"overrides", {{"executionRoleArn", "arn:aws:iam::1:role/r"}}}}) == "");
  CHECK(run({{"overrides", {{"ephemeralStorage", {{"sizeInGiB", 30}}}}}}) == "");
  CHECK(run({{"overrides", {{"ephemeralStorage", {{"sizeInGiB", 201}}}}}}) ==
        "overrides.ephemeralStorage.sizeInGiB must be between 21 and 200.");
  CHECK(run({{"overrides", {{"inferenceAcceleratorOverrides", {{{"deviceName", "d"}, {"deviceType", "t"}}}}}}})
            .starts_with("overrides.inferenceAcceleratorOverrides is not supported: Elastic Inference"));
  CHECK(run({{"overrides", {{"containerOverrides", {{{"name", "web"}, {"resourceRequirements",
                                                                        {{{"type", "GPU"}, {"value", "1"}}}}}}}}}}) == "");
  CHECK(run({{"overrides", {{"containerOverrides", {{{"name", "web"}, {"resourceRequirements",
                                                                        {{{"type", "GPU"}, {"value", "0"}}}}}}}}}}) ==
        "overrides.containerOverrides.resourceRequirements GPU value must be a whole number of GPUs from 1 to 64.");
  CHECK(run({{"overrides", {{"containerOverrides", {{{"name", "web"}, {"resourceRequirements",
                                                                        {{{"type", "InferenceAccelerator"}, {"value", "d"}}}}}}}}}})
            .starts_with("overrides.containerOverrides.resourceRequirements InferenceAccelerator is not supported"));
  CHECK(run({{"overrides", {{"containerOverrides", {{{"name", "web"}, {"environmentFiles", Json::array()}}}}}}}) == "");
  const auto env_file = [&](const char* value) {
    return run({{"overrides", {{"containerOverrides", {{{"name", "web"}, {"environmentFiles", {{{"value", value}, {"type", "s3"}}}}}}}}}});
  };
  CHECK(env_file("arn:aws:ssm:local:000000000000:parameter/app/env").starts_with(
      "overrides.containerOverrides.environmentFiles 'arn:aws:ssm:local:000000000000:parameter/app/env': a secret "
      "cannot be named in an override"));
  Json eleven = Json::array();
  for (int i = 0; i < 11; ++i) eleven.push_back({{"value", "arn:aws:s3:::bucket/a.env"}, {"type", "s3"}});
  CHECK(run({{"overrides", {{"containerOverrides", {{{"name", "web"}, {"environmentFiles", eleven}}}}}}}) ==
        "overrides.containerOverrides.environmentFiles: at most 10 are allowed.");
  CHECK(env_file("/etc/app.env").starts_with(
      "overrides.containerOverrides.environmentFiles '/etc/app.env': a file on the instance cannot be named in an override"));
  CHECK(env_file("arn:aws:s3:::bucket/a.env") ==
        "overrides.containerOverrides.environmentFiles 'arn:aws:s3:::bucket/a.env': S3 does not exist on a berth gateway.");
  CHECK(run({{"launchType", "FARGATE"}}).starts_with("launchType FARGATE is not supported"));
  CHECK(run({{"launchType", "EC2"}}) == "");
  CHECK(run({{"enableExecuteCommand", true}}) == "");  // ExecuteCommand runs commands in its containers
  CHECK(run({{"enableExecuteCommand", false}}) == "");
  CHECK(run({{"volumeConfigurations", {{{"name", "ebs"}}}}}).starts_with("volumeConfigurations is not supported"));
}

TEST_CASE("links and volumesFrom name containers of the definition, without clashing mounts", "[model][fields]") {
  Json td = make_task_def();
  td["volumes"] = Json::array({{{"name", "data"}}});
  td["containerDefinitions"].push_back({{"name", "db"}, {"image", "busybox"}, {"memory", 32},
                                        {"mountPoints", {{{"sourceVolume", "data"}, {"containerPath", "/data"}}}}});
  auto with_web = [&](const Json& patch) {
    Json copy = td;
    copy["containerDefinitions"][0].merge_patch(patch);
    return rejection(copy);
  };
  CHECK(with_web({{"links", {"cache"}}}) ==
        "Invalid setting for container 'webapp'. links 'cache': 'cache' is not another container of this task "
        "definition.");
  CHECK(with_web({{"links", {"webapp:self"}}}).find("'webapp' is not another container") != std::string::npos);
  CHECK(with_web({{"links", {"db:bad alias"}}}).find("the alias must be 1 to 255 letters") != std::string::npos);
  CHECK(with_web({{"links", {"db:"}}}).find("the alias must be") != std::string::npos);
  CHECK(with_web({{"links", {"db:database_1"}}}) == "");
  Json offline_target = td;
  offline_target["containerDefinitions"][1]["disableNetworking"] = true;
  offline_target["containerDefinitions"][0]["links"] = {"db"};
  CHECK(rejection(offline_target) ==
        "Invalid setting for container 'webapp'. links 'db': 'db' has disableNetworking, so no link can reach it.");
  CHECK(with_web({{"links", {"db"}}, {"disableNetworking", true}, {"portMappings", Json::array()}}) ==
        "Invalid setting for container 'webapp'. 'disableNetworking' cannot be combined with links.");
  CHECK(with_web({{"volumesFrom", {{{"sourceContainer", "db"}}}},
                  {"mountPoints", {{{"sourceVolume", "data"}, {"containerPath", "/data"}}}}}) ==
        "Invalid setting for container 'webapp'. volumesFrom 'db' mounts /data, which this container also mounts.");
  CHECK(with_web({{"volumesFrom", {{{"sourceContainer", "db"}}}}}) == "");
  // Through another container's volumesFrom too, and two sources at one path.
  Json chained = td;
  chained["containerDefinitions"].push_back({{"name", "relay"}, {"image", "busybox"}, {"memory", 32},
                                             {"volumesFrom", {{{"sourceContainer", "db"}}}}});
  chained["containerDefinitions"][0]["volumesFrom"] = {{{"sourceContainer", "relay"}}};
  chained["containerDefinitions"][0]["mountPoints"] = {{{"sourceVolume", "data"}, {"containerPath", "/data"}}};
  CHECK(rejection(chained) ==
        "Invalid setting for container 'webapp'. volumesFrom 'relay' mounts /data, which this container also mounts.");
  chained["containerDefinitions"][0]["mountPoints"] = Json::array();
  CHECK(rejection(chained) == "");
  chained["containerDefinitions"][0]["volumesFrom"] = {{{"sourceContainer", "db"}}, {{"sourceContainer", "relay"}}};
  CHECK(rejection(chained) == "");  // db counts once
  chained["containerDefinitions"][2]["mountPoints"] = {{{"sourceVolume", "data"}, {"containerPath", "/data"}}};
  chained["containerDefinitions"][2]["volumesFrom"] = Json::array();
  CHECK(rejection(chained) == "Invalid setting for container 'webapp'. volumesFrom 'relay' mounts /data, which this "
                              "container also gets through volumesFrom 'db'.");
}

TEST_CASE("environmentFiles: at most 10, each an instance .env file or a secret ARN", "[model][fields][envfiles]") {
  Json eleven = Json::array();
  for (int i = 0; i < 11; ++i) eleven.push_back({{"value", "/etc/app" + std::to_string(i) + ".env"}, {"type", "s3"}});
  CHECK(rejection(with_container({{"environmentFiles", eleven}})) ==
        "Invalid setting for container 'webapp'. environmentFiles lists 11 files; at most 10 are allowed.");
  eleven.erase(10);
  CHECK(rejection(with_container({{"environmentFiles", eleven}})) == "");
  CHECK(rejection(with_container({{"environmentFiles", {{{"value", "app.env"}, {"type", "s3"}}}}})) ==
        "Invalid setting for container 'webapp'. environmentFiles 'app.env' is neither an absolute path of a .env "
        "file on the instance nor a Secrets Manager or SSM parameter ARN.");
  CHECK(rejection(with_container(
            {{"environmentFiles", {{{"value", "arn:aws:secretsmanager:local:000000000000:secret:env-AbCdEf"}, {"type", "s3"}}}}})) == "");
}

}  // namespace task_definition_fields_test
