// Which task definition settings hand a container the host.
#include "api/auth/privileged_settings.hpp"

#include <catch2/catch.hpp>

namespace privileged_settings_test {

using namespace berth::api::auth;
using berth::model::Json;

namespace {

Json definition(Json container, Json extra = Json::object()) {
  Json td{{"family", "web"}, {"containerDefinitions", {container}}};
  td.update(extra);
  return td;
}

const Json k_plain_container{{"name", "web"}, {"image", "busybox"}, {"memory", 64}};

}  // namespace

TEST_CASE("A harmless bridge definition needs nothing more", "[auth][privileged]") {
  Json container = k_plain_container;
  container["privileged"] = false;
  container["linuxParameters"] = {{"capabilities", {{"drop", {"ALL"}}}}, {"initProcessEnabled", true}};
  container["systemControls"] = {{{"namespace", "net.ipv4.ip_forward"}, {"value", "1"}},
                                 {{"namespace", "kernel.shmmax"}, {"value", "1"}}};
  container["dockerSecurityOptions"] = {"no-new-privileges"};
  container["mountPoints"] = {{{"sourceVolume", "data"}, {"containerPath", "/data"}}};
  const Json td = definition(container, {{"networkMode", "bridge"}, {"pidMode", "task"}, {"ipcMode", "task"},
                                         {"volumes", {{{"name", "data"}, {"dockerVolumeConfiguration", {{"scope", "shared"}}}}}}});
  CHECK(needs_privileged_action(td).empty());
  CHECK(needs_privileged_action(Json::object()).empty());
  CHECK(needs_privileged_action(Json::array()).empty());
  CHECK(needs_privileged_action(Json{{"containerDefinitions", "x"}, {"volumes", 3}}).empty());
}

TEST_CASE("Each host-taking setting is a reason, naming where it is", "[auth][privileged]") {
  const auto reasons_of = [](const Json& td) {
    const auto reasons = needs_privileged_action(td);
    INFO(td.dump());
    REQUIRE(reasons.size() == 1);
    return reasons[0];
  };
  Json privileged = k_plain_container;
  privileged["privileged"] = true;
  CHECK(reasons_of(definition(privileged)) == "containerDefinitions[0] (web): privileged: true");
  for (const char* mode : {"networkMode", "pidMode", "ipcMode"}) {
    CHECK(reasons_of(definition(k_plain_container, {{mode, "host"}})) == std::string(mode) + ": host");
  }
  CHECK(reasons_of(definition(k_plain_container, {{"volumes", {{{"name", "logs"}, {"host", {{"sourcePath", "/var/log"}}}}}}})) ==
        "volumes[0] (logs): host.sourcePath /var/log");
  CHECK(reasons_of(definition(k_plain_container,
                              {{"volumes", {{{"name", "disk"},
                                             {"dockerVolumeConfiguration", {{"driverOpts", {{"device", "/dev/sda1"}}}}}}}}})) ==
        "volumes[0] (disk): dockerVolumeConfiguration.driverOpts.device /dev/sda1");
  Json device = k_plain_container;
  device["linuxParameters"] = {{"devices", {{{"hostPath", "/dev/ttyUSB0"}}}}};
  CHECK(reasons_of(definition(device)) == "containerDefinitions[0] (web): linuxParameters.devices /dev/ttyUSB0");
  Json capability = k_plain_container;
  capability["linuxParameters"] = {{"capabilities", {{"add", {"NET_ADMIN"}}}}};
  CHECK(reasons_of(definition(capability)) == "containerDefinitions[0] (web): linuxParameters.capabilities.add NET_ADMIN");
  Json unconfined = k_plain_container;
  unconfined["dockerSecurityOptions"] = {"seccomp=unconfined"};
  CHECK(reasons_of(definition(unconfined)) == "containerDefinitions[0] (web): dockerSecurityOptions seccomp=unconfined");
  Json sysctl = k_plain_container;
  sysctl["systemControls"] = {{{"namespace", "vm.overcommit_memory"}, {"value", "1"}}};
  CHECK(reasons_of(definition(sysctl)).starts_with("containerDefinitions[0] (web): systemControls vm.overcommit_memory"));
  for (const char* option : {"seccomp:unconfined", "systempaths=unconfined", "apparmor=unconfined", "label:disable"}) {
    Json lifting = k_plain_container;
    lifting["dockerSecurityOptions"] = {"no-new-privileges", option};
    CHECK(reasons_of(definition(lifting)) == std::string("containerDefinitions[0] (web): dockerSecurityOptions ") + option);
  }
  Json env_files = k_plain_container;
  env_files["environmentFiles"] = {{{"value", "arn:aws:ssm:local:000000000000:parameter/app"}, {"type", "s3"}},
                                   {{"value", "/etc/plant/app.env"}, {"type", "s3"}}};
  CHECK(reasons_of(definition(env_files)) == "containerDefinitions[0] (web): environmentFiles /etc/plant/app.env (a file on the instance)");
}

TEST_CASE("A namespaced sysctl is the host's when the namespace is", "[auth][privileged]") {
  Json container = k_plain_container;
  container["systemControls"] = {{{"namespace", "net.core.somaxconn"}, {"value", "1024"}},
                                 {{"namespace", "kernel.msgmax"}, {"value", "1"}}};
  CHECK(needs_privileged_action(definition(container)).empty());
  const auto host_network = needs_privileged_action(definition(container, {{"networkMode", "host"}}));
  CHECK(host_network == std::vector<std::string>{"networkMode: host",
                                                 "containerDefinitions[0] (web): systemControls net.core.somaxconn (not "
                                                 "namespaced: it would set the host's)"});
  CHECK(needs_privileged_action(definition(container, {{"ipcMode", "host"}})).size() == 2);
}

TEST_CASE("Every container and every setting is reported", "[auth][privileged]") {
  Json first = k_plain_container, second = k_plain_container;
  second["name"] = "sidecar";
  second["privileged"] = true;
  second["linuxParameters"] = {{"capabilities", {{"add", {"SYS_ADMIN", "NET_RAW"}}}}};
  const auto reasons = needs_privileged_action(Json{{"networkMode", "host"}, {"containerDefinitions", {first, second}}});
  CHECK(reasons == std::vector<std::string>{"networkMode: host", "containerDefinitions[1] (sidecar): privileged: true",
                                            "containerDefinitions[1] (sidecar): linuxParameters.capabilities.add SYS_ADMIN",
                                            "containerDefinitions[1] (sidecar): linuxParameters.capabilities.add NET_RAW"});
}

}  // namespace privileged_settings_test
