#include "agent/container_spec_builder.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <tuple>

#include "fixtures/fixtures.hpp"
#include "runtime/image/image_manifest.hpp"

namespace container_spec_builder_test {

using namespace berth;
using berth::testing::Json;

namespace {

runtime::Image busybox_like() {
  runtime::Image image;
  image.id = "sha256:abc";
  image.rootfs = "/nonexistent-rootfs";
  image.config = Json::parse(R"({"config":{"Entrypoint":["/entry"],"Cmd":["serve"],"Env":["PATH=/bin","A=image"],"WorkingDir":"/srv"}})");
  return image;
}

model::Task task_of(const Json& overrides = Json::object()) {
  model::Task t;
  t.id = "0123456789abcdef0123456789abcdef";
  t.overrides = overrides;
  return t;
}

// The content of the file the spec mounts at `destination`, which it must mount.
std::string mounted_file(const runtime::ContainerSpec& spec, const std::string& destination) {
  const auto mount = std::find_if(spec.mounts.begin(), spec.mounts.end(),
                                  [&](const runtime::Mount& m) { return m.destination == destination; });
  REQUIRE(mount != spec.mounts.end());
  std::ifstream in(mount->source);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("spec: image entrypoint/cmd/env with task definition and override precedence", "[agent]") {
  const Json td = Json::parse(R"({"networkMode":"host","containerDefinitions":[{"name":"main","image":"x",
    "cpu":0,"memory":64,"memoryReservation":32,"environment":[{"name":"A","value":"td"},{"name":"B","value":"td"}],
    "ulimits":[{"name":"nofile","softLimit":100,"hardLimit":200}],
    "linuxParameters":{"capabilities":{"add":["NET_ADMIN"],"drop":["MKNOD"]}}}]})");
  agent::SpecContext ctx{"/tmp/v", "/tmp/etc", false, "gw", "", ""};
  auto spec = agent::build_container_spec(task_of(), td, "main", busybox_like(), ctx);
  REQUIRE(spec.has_value());
  CHECK(spec->args == std::vector<std::string>{"/entry", "serve"});
  CHECK(spec->cwd == "/srv");
  CHECK(std::find(spec->env.begin(), spec->env.end(), "A=td") != spec->env.end());
  CHECK(spec->cpu_shares == 512);  // ECS's 2, scaled (container_cpu_shares.hpp)
  CHECK(*spec->memory_limit_bytes == 64LL << 20);
  CHECK(*spec->memory_reservation_bytes == 32LL << 20);
  CHECK(spec->capabilities.contains("CAP_NET_ADMIN"));
  CHECK_FALSE(spec->capabilities.contains("CAP_MKNOD"));
  CHECK(spec->rlimits[0].type == "RLIMIT_NOFILE");
  CHECK(spec->network == runtime::NetworkNamespace::host);
  CHECK(spec->hostname == "gw");
  CHECK(spec->cgroups_path == "/berth/0123456789abcdef0123456789abcdef/main");
  REQUIRE(spec->seccomp);
  CHECK(spec->seccomp->rules.contains("syscalls"));

  auto overridden = agent::build_container_spec(
      task_of(Json::parse(R"({"containerOverrides":[{"name":"main","command":["other"],"cpu":512,
                              "environment":[{"name":"B","value":"override"}]}]})")),
      td, "main", busybox_like(), ctx);
  REQUIRE(overridden.has_value());
  CHECK(overridden->args == std::vector<std::string>{"/entry", "other"});
  CHECK(overridden->cpu_shares == 512 * 256);  // the override counts as the task's largest too
  CHECK(std::find(overridden->env.begin(), overridden->env.end(), "B=override") != overridden->env.end());
}

TEST_CASE("spec: a task entryPoint resets the image Cmd; privileged gets every capability", "[agent]") {
  const Json td = Json::parse(R"({"networkMode":"none","containerDefinitions":[{"name":"main","image":"x",
    "entryPoint":["/bin/sh"],"privileged":true,"memory":64}]})");
  agent::SpecContext ctx{"/tmp/v", "/tmp/berth-spec-test-etc", false, "gw", "", ""};
  auto spec = agent::build_container_spec(task_of(), td, "main", busybox_like(), ctx);
  REQUIRE(spec.has_value());
  CHECK(spec->args == std::vector<std::string>{"/bin/sh"});
  CHECK(spec->capabilities.contains("CAP_SYS_ADMIN"));
  CHECK_FALSE(spec->seccomp);
  CHECK(spec->network == runtime::NetworkNamespace::private_);
}

TEST_CASE("spec: pseudoTerminal gives a terminal and TERM, interactive an open stdin", "[agent]") {
  agent::SpecContext ctx{"/tmp/v", "/tmp/berth-spec-test-etc", false, "gw", "", ""};
  const auto spec_of = [&](const std::string& settings) {
    const Json td = Json::parse(R"({"networkMode":"none","containerDefinitions":[{"name":"main","image":"x","memory":64)" +
                                settings + "}]}");
    auto spec = agent::build_container_spec(task_of(), td, "main", busybox_like(), ctx);
    REQUIRE(spec.has_value());
    return *spec;
  };
  const auto term_of = [](const runtime::ContainerSpec& spec) {
    std::vector<std::string> found;
    for (const auto& e : spec.env) {
      if (e.starts_with("TERM=")) found.push_back(e);
    }
    return found;
  };
  const auto plain = spec_of("");
  CHECK_FALSE(plain.terminal);
  CHECK_FALSE(plain.open_stdin);
  CHECK(term_of(plain).empty());
  const auto tty = spec_of(R"(,"pseudoTerminal":true)");
  CHECK(tty.terminal);
  CHECK_FALSE(tty.open_stdin);
  CHECK(term_of(tty) == std::vector<std::string>{"TERM=xterm"});
  // The definition's own TERM wins.
  const auto own = spec_of(R"(,"pseudoTerminal":true,"interactive":true,"environment":[{"name":"TERM","value":"vt100"}])");
  CHECK(own.open_stdin);
  CHECK(term_of(own) == std::vector<std::string>{"TERM=vt100"});
  CHECK(spec_of(R"(,"interactive":true,"pseudoTerminal":false)").open_stdin);
}

TEST_CASE("spec: an unknown user is refused", "[agent]") {
  const Json td = Json::parse(R"({"networkMode":"host","containerDefinitions":[{"name":"main","image":"x",
    "user":"nobody-here","memory":64}]})");
  auto spec = agent::build_container_spec(task_of(), td, "main", busybox_like(), {"/tmp/v", "/tmp/e", false, "gw", "", ""});
  REQUIRE_FALSE(spec.has_value());
  CHECK(spec.error().message.find("nobody-here") != std::string::npos);
  const Json numeric = Json::parse(R"({"networkMode":"host","containerDefinitions":[{"name":"main","image":"x",
    "user":"1000:1000","memory":64}]})");
  auto ok = agent::build_container_spec(task_of(), numeric, "main", busybox_like(), {"/tmp/v", "/tmp/e", false, "gw", "", ""});
  REQUIRE(ok.has_value());
  CHECK(ok->uid == 1000);
  CHECK(ok->gid == 1000);
}

TEST_CASE("spec: a bridge container's resolv.conf drops loopback servers or uses dnsServers", "[agent]") {
  const std::string host = "# generated\nnameserver 127.0.0.53\nnameserver 192.0.2.53\nsearch lan\noptions edns0\n";
  const std::string from_host = agent::container_resolv_conf(Json::object(), host);
  CHECK(from_host.find("127.0.0.53") == std::string::npos);
  CHECK(from_host.find("nameserver 192.0.2.53\n") != std::string::npos);
  CHECK(from_host.find("search lan\n") != std::string::npos);
  const auto own = agent::container_resolv_conf(
      Json{{"dnsServers", {"10.0.0.2", "10.0.0.3"}}, {"dnsSearchDomains", {"plant.local"}}}, host);
  CHECK(own == "nameserver 10.0.0.2\nnameserver 10.0.0.3\nsearch plant.local\n");
}

TEST_CASE("spec: bridge containers join the task's namespace and get its resolv.conf", "[agent]") {
  const Json td = Json::parse(R"({"networkMode":"bridge","containerDefinitions":[{"name":"main","image":"x",
    "memory":64,"dnsServers":["10.0.0.2"],"hostname":"web1",
    "extraHosts":[{"hostname":"plc","ipAddress":"10.1.2.3"}]}]})");
  agent::SpecContext ctx{"/tmp/v", "/tmp/berth-spec-test-etc", false, "gw", "/run/berth/netns/t1", "nameserver 1.1.1.1\n"};
  auto spec = agent::build_container_spec(task_of(), td, "main", busybox_like(), ctx);
  REQUIRE(spec.has_value());
  CHECK(spec->network == runtime::NetworkNamespace::private_);
  CHECK(spec->network_namespace_path == "/run/berth/netns/t1");
  CHECK(mounted_file(*spec, "/etc/resolv.conf") == "nameserver 10.0.0.2\n");
  CHECK(spec->hostname == "web1");
  const std::string hosts = mounted_file(*spec, "/etc/hosts");
  CHECK(hosts.find("10.1.2.3\tplc\n") != std::string::npos);
  CHECK(hosts.find("\tweb1\n") != std::string::npos);
}

TEST_CASE("spec: capabilities beyond the host's bounding set are left out", "[agent][caps]") {
  const Json privileged = Json::parse(R"({"networkMode":"none","containerDefinitions":[{"name":"main","image":"x",
    "privileged":true,"memory":64}]})");
  agent::SpecContext ctx{"/tmp/v", "/tmp/berth-spec-test-etc", false, "gw", "", ""};
  ctx.capability_bounding_set = 0x1fffeffffffULL;  // no CAP_SYS_RESOURCE (bit 24)
  auto spec = agent::build_container_spec(task_of(), privileged, "main", busybox_like(), ctx);
  REQUIRE(spec.has_value());
  CHECK(spec->capabilities.contains("CAP_SYS_ADMIN"));
  CHECK_FALSE(spec->capabilities.contains("CAP_SYS_RESOURCE"));
  const Json added = Json::parse(R"({"networkMode":"none","containerDefinitions":[{"name":"main","image":"x",
    "memory":64,"linuxParameters":{"capabilities":{"add":["SYS_RESOURCE","NET_ADMIN"]}}}]})");
  auto with_add = agent::build_container_spec(task_of(), added, "main", busybox_like(), ctx);
  REQUIRE(with_add.has_value());
  CHECK(with_add->capabilities.contains("CAP_NET_ADMIN"));
  CHECK_FALSE(with_add->capabilities.contains("CAP_SYS_RESOURCE"));
}

TEST_CASE("spec: a huge user or an image config of the wrong shape fails the spec, not the agent", "[agent][user]") {
  agent::SpecContext ctx{"/tmp/v", "/tmp/berth-spec-test-etc", false, "gw", "", ""};
  for (const char* user : {"99999999999999999999", "4294967296", "1000:4294967296"}) {
    INFO(user);
    const Json td{{"networkMode", "none"},
                  {"containerDefinitions", {{{"name", "main"}, {"image", "x"}, {"memory", 64}, {"user", user}}}}};
    auto spec = agent::build_container_spec(task_of(), td, "main", busybox_like(), ctx);
    REQUIRE_FALSE(spec.has_value());
    CHECK(spec.error().message.find("is not valid") != std::string::npos);
  }
  const Json td = Json::parse(R"({"networkMode":"none","containerDefinitions":[{"name":"main","image":"x","memory":64}]})");
  for (const char* config : {R"({"config":{"Cmd":5}})", R"({"config":{"Cmd":["sh"],"Env":[1]}})",
                             R"({"config":{"Cmd":["sh"],"User":7}})", R"({"config":{"Cmd":["sh"],"WorkingDir":[]}})",
                             R"({"config":{"Entrypoint":{"a":1}}})",
                             // One string is not a list (the OCI image spec types these as
                             // arrays): refused here as at import, by the same decoder.
                             R"({"config":{"Cmd":"sh"}})", R"({"config":{"Cmd":["sh"],"Env":"A=1"}})",
                             R"({"config":{"Entrypoint":"/entry"}})"}) {
    INFO(config);
    runtime::Image image = busybox_like();
    image.config = Json::parse(config);
    auto spec = agent::build_container_spec(task_of(), td, "main", image, ctx);
    REQUIRE_FALSE(spec.has_value());
    CHECK(spec.error().message.find("the image config") != std::string::npos);
    CHECK_FALSE(runtime::decode_image_config(image.config).has_value());
  }
  runtime::Image odd = busybox_like();
  odd.config = Json::parse(R"({"config":"not an object"})");
  auto spec = agent::build_container_spec(task_of(), td, "main", odd, ctx);
  REQUIRE_FALSE(spec.has_value());  // no command at all
  CHECK(spec.error().message.find("no command") != std::string::npos);
}

TEST_CASE("spec: devices are looked up on the host and mapped with their permissions", "[agent][devices]") {
  const Json td = Json::parse(R"({"networkMode":"none","containerDefinitions":[{"name":"main","image":"x","memory":64,
    "linuxParameters":{"devices":[{"hostPath":"/dev/serial/by-id/usb-plc","containerPath":"/dev/ttyPLC",
                                   "permissions":["write","read"]},
                                  {"hostPath":"/dev/loop3"},
                                  {"hostPath":"/dev/loop4","permissions":["mknod"]}]}}]})");
  agent::SpecContext ctx{"/tmp/v", "/tmp/berth-spec-test-etc", false, "gw", "", ""};
  std::vector<std::string> looked_up;
  ctx.device_lookup = [&](const std::string& path) -> Result<runtime::DeviceNode> {
    looked_up.push_back(path);
    if (path.starts_with("/dev/loop")) return runtime::DeviceNode{runtime::DeviceType::block, 7, static_cast<unsigned>(path.back() - '0'), 0660, 0, 6};
    return runtime::DeviceNode{runtime::DeviceType::character, 188, 0, 0660, 0, 20};
  };
  auto spec = agent::build_container_spec(task_of(), td, "main", busybox_like(), ctx);
  REQUIRE(spec.has_value());
  CHECK(looked_up == std::vector<std::string>{"/dev/serial/by-id/usb-plc", "/dev/loop3", "/dev/loop4"});
  REQUIRE(spec->devices.size() == 3);
  CHECK(spec->devices[0].container_path == "/dev/ttyPLC");
  CHECK(spec->devices[0].node.major == 188);
  CHECK(spec->devices[0].node.gid == 20);
  CHECK(spec->devices[0].access == "rw");
  CHECK(spec->devices[1].container_path == "/dev/loop3");  // containerPath defaults to hostPath
  CHECK(spec->devices[1].node.type == runtime::DeviceType::block);
  CHECK(spec->devices[1].node.minor == 3);
  CHECK(spec->devices[1].access == "rwm");  // no permissions: all of them, as ECS
  CHECK(spec->devices[2].access == "m");
}

TEST_CASE("spec: a device missing on the host fails the spec naming its path", "[agent][devices]") {
  const Json td = Json::parse(R"({"networkMode":"none","containerDefinitions":[{"name":"main","image":"x","memory":64,
    "linuxParameters":{"devices":[{"hostPath":"/dev/null"},{"hostPath":"/dev/berth-no-such-device"}]}}]})");
  agent::SpecContext ctx{"/tmp/v", "/tmp/berth-spec-test-etc", false, "gw", "", ""};  // the real lookup
  auto spec = agent::build_container_spec(task_of(), td, "main", busybox_like(), ctx);
  REQUIRE_FALSE(spec.has_value());
  CHECK(spec.error().code == Code::client);
  CHECK(spec.error().message == "linuxParameters.devices: /dev/berth-no-such-device does not exist on this instance");
  const Json null_only = Json::parse(R"({"networkMode":"none","containerDefinitions":[{"name":"main","image":"x","memory":64,
    "linuxParameters":{"devices":[{"hostPath":"/dev/null","containerPath":"/dev/other-null"}]}}]})");
  auto ok = agent::build_container_spec(task_of(), null_only, "main", busybox_like(), ctx);
  REQUIRE(ok.has_value());
  REQUIRE(ok->devices.size() == 1);
  CHECK(ok->devices[0].node.major == 1);
  CHECK(ok->devices[0].node.minor == 3);
}

TEST_CASE("spec: systemControls, sharedMemorySize, swappiness and dockerLabels", "[agent][settings]") {
  const Json td = Json::parse(R"({"networkMode":"bridge","containerDefinitions":[{"name":"main","image":"x","memory":64,
    "systemControls":[{"namespace":"net.ipv4.ip_unprivileged_port_start","value":"80"},
                      {"namespace":"kernel.shmmax","value":"1048576"}],
    "dockerLabels":{"team":"plc","com.amazonaws.ecs.cluster":"spoofed"},
    "linuxParameters":{"sharedMemorySize":128,"maxSwap":64,"swappiness":10}}]})");
  agent::SpecContext ctx{"/tmp/v", "/tmp/berth-spec-test-etc", false, "gw", "/run/berth/netns/t1", ""};
  ctx.task_arn = "arn:aws:ecs:local:000000000000:task/plant/0123456789abcdef0123456789abcdef";
  model::Task task = task_of();
  task.cluster = "plant";
  task.family = "reader";
  task.revision = 7;
  auto spec = agent::build_container_spec(task, td, "main", busybox_like(), ctx);
  REQUIRE(spec.has_value());
  CHECK(spec->sysctls == std::map<std::string, std::string>{{"kernel.shmmax", "1048576"},
                                                             {"net.ipv4.ip_unprivileged_port_start", "80"}});
  CHECK(*spec->shm_size_bytes == 128LL << 20);
  CHECK(*spec->swappiness == 10);
  CHECK(spec->annotations == std::map<std::string, std::string>{
                                 {"team", "plc"},
                                 {"com.amazonaws.ecs.cluster", "plant"},  // the agent's labels win
                                 {"com.amazonaws.ecs.container-name", "main"},
                                 {"com.amazonaws.ecs.task-arn", ctx.task_arn},
                                 {"com.amazonaws.ecs.task-definition-family", "reader"},
                                 {"com.amazonaws.ecs.task-definition-version", "7"}});

  const Json plain = Json::parse(R"({"networkMode":"none","containerDefinitions":[{"name":"main","image":"x","memory":64}]})");
  auto defaults = agent::build_container_spec(task, plain, "main", busybox_like(), ctx);
  REQUIRE(defaults.has_value());
  CHECK(defaults->sysctls.empty());
  CHECK_FALSE(defaults->shm_size_bytes.has_value());
  CHECK_FALSE(defaults->swappiness.has_value());
  CHECK(defaults->annotations.size() == 5);
}

TEST_CASE("spec: a kernel parameter the container shares with the host is refused", "[agent][settings]") {
  agent::SpecContext ctx{"/tmp/v", "/tmp/berth-spec-test-etc", false, "gw", "", ""};
  for (const auto& [mode, extra, sysctl] :
       {std::tuple{"host", "", "net.core.somaxconn"}, std::tuple{"bridge", "", "vm.overcommit_memory"},
        std::tuple{"none", R"("ipcMode":"host",)", "kernel.shmmax"}, std::tuple{"none", "", ""}}) {
    INFO(mode << " " << sysctl);
    const Json td = Json::parse(std::string(R"({"networkMode":")") + mode + "\"," + extra +
                                R"("containerDefinitions":[{"name":"main","image":"x","memory":64,
      "systemControls":[{"namespace":")" + sysctl + R"(","value":"1"}]}]})");
    auto spec = agent::build_container_spec(task_of(), td, "main", busybox_like(), ctx);
    REQUIRE_FALSE(spec.has_value());
    CHECK(spec.error().code == Code::client);
    CHECK(spec.error().message == std::string("systemControls '") + sysctl +
                                      "' is not a namespaced kernel parameter of this container: it would change the "
                                      "gateway's own kernel");
  }
  const Json bad_shm = Json::parse(R"({"networkMode":"none","containerDefinitions":[{"name":"main","image":"x",
    "memory":64,"linuxParameters":{"sharedMemorySize":0}}]})");
  auto spec = agent::build_container_spec(task_of(), bad_shm, "main", busybox_like(), ctx);
  REQUIRE_FALSE(spec.has_value());
  CHECK(spec.error().message == "linuxParameters.sharedMemorySize must be a positive number of MiB");
}

TEST_CASE("spec: the container's assigned GPUs become its device nodes and NVIDIA_VISIBLE_DEVICES", "[agent][gpu]") {
  const Json td = Json::parse(R"({"networkMode":"none","containerDefinitions":[
    {"name":"main","image":"x","memory":64,"resourceRequirements":[{"type":"GPU","value":"2"}]},
    {"name":"side","image":"x","memory":64}]})");
  agent::SpecContext ctx{"/tmp/v", "/tmp/berth-spec-test-etc", false, "gw", "", ""};
  ctx.gpus = {{{"0", "/dev/nvidia0"}, {"1", "/dev/nvidia1"}, {"3", "/dev/nvidia3"}}, {"/dev/nvidiactl"}};
  ctx.device_lookup = [](const std::string& path) -> Result<runtime::DeviceNode> {
    return runtime::DeviceNode{runtime::DeviceType::character, 195, path == "/dev/nvidiactl" ? 255u : static_cast<unsigned>(path.back() - '0'), 0666, 0, 0};
  };
  auto task = task_of();
  task.containers.resize(2);
  task.containers[0].name = "main";
  task.containers[0].gpu_ids = {"3", "0"};
  task.containers[1].name = "side";
  auto spec = agent::build_container_spec(task, td, "main", busybox_like(), ctx);
  REQUIRE(spec.has_value());
  REQUIRE(spec->devices.size() == 3);
  CHECK(spec->devices[0].container_path == "/dev/nvidia3");
  CHECK(spec->devices[0].node.minor == 3);
  CHECK(spec->devices[0].access == "rwm");
  CHECK(spec->devices[1].container_path == "/dev/nvidia0");
  CHECK(spec->devices[2].container_path == "/dev/nvidiactl");
  CHECK(spec->devices[2].node.minor == 255);
  CHECK(std::count(spec->env.begin(), spec->env.end(), "NVIDIA_VISIBLE_DEVICES=3,0") == 1);

  // A container without GPUs gets neither nodes nor the variable.
  auto side = agent::build_container_spec(task, td, "side", busybox_like(), ctx);
  REQUIRE(side.has_value());
  CHECK(side->devices.empty());
  CHECK(std::none_of(side->env.begin(), side->env.end(),
                     [](const std::string& e) { return e.starts_with("NVIDIA_VISIBLE_DEVICES="); }));

  // An id this instance does not have (its GPUs changed since placement) fails the container.
  task.containers[0].gpu_ids = {"2"};
  auto unknown = agent::build_container_spec(task, td, "main", busybox_like(), ctx);
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().code == Code::client);
  CHECK(unknown.error().message == "GPU 2 assigned to this container is not a GPU of this instance");
}

TEST_CASE("spec: environment precedence: image < links < environmentFiles < environment < overrides < secrets",
          "[agent][envfiles][links]") {
  const Json td = Json::parse(R"({"networkMode":"bridge","containerDefinitions":[
    {"name":"main","image":"x","memory":64,"links":["db"],
     "environment":[{"name":"B","value":"environment"},{"name":"C","value":"environment"}]},
    {"name":"db","image":"x","memory":64,"environment":[{"name":"USER","value":"plc"}]}]})");
  agent::SpecContext ctx{"/tmp/v", "/tmp/berth-spec-test-etc", false, "gw", "/run/berth/netns/t1", ""};
  ctx.environment_file_variables = {{"A", "file"}, {"B", "file"}, {"DB_NAME", "file"}};
  runtime::Image image = busybox_like();
  image.config["config"]["Env"] = {"PATH=/bin", "DB_ENV_USER=image"};
  auto spec = agent::build_container_spec(
      task_of(Json::parse(R"({"containerOverrides":[{"name":"main","environment":[{"name":"C","value":"override"}]}]})")),
      td, "main", image, ctx);
  REQUIRE(spec.has_value());
  agent::add_secret_environment(*spec, {{"C", "secret"}});
  const auto has = [&](const std::string& e) { return std::find(spec->env.begin(), spec->env.end(), e) != spec->env.end(); };
  CHECK(has("DB_ENV_USER=image"));  // the image's own variable wins over a link's
  CHECK_FALSE(has("DB_ENV_USER=plc"));
  CHECK(has("DB_NAME=file"));       // environmentFiles win over links
  CHECK(has("A=file"));
  CHECK(has("B=environment"));
  CHECK(has("C=secret"));
  CHECK(std::count_if(spec->env.begin(), spec->env.end(), [](const std::string& e) { return e.starts_with("C="); }) == 1);
  CHECK(mounted_file(*spec, "/etc/hosts").find("127.0.0.1\tdb\n") != std::string::npos);
}

TEST_CASE("spec: volumesFrom mounts the source's mountPoints at the same paths", "[agent][volumes]") {
  const Json td = Json::parse(R"({"networkMode":"none","volumes":[{"name":"data"},{"name":"conf"}],
    "containerDefinitions":[
    {"name":"reader","image":"x","memory":64,"volumesFrom":[{"sourceContainer":"writer","readOnly":true}]},
    {"name":"peer","image":"x","memory":64,"volumesFrom":[{"sourceContainer":"writer"}]},
    {"name":"writer","image":"x","memory":64,"mountPoints":[{"sourceVolume":"data","containerPath":"/data"},
                                                            {"sourceVolume":"conf","containerPath":"/conf","readOnly":true}]}]})");
  agent::SpecContext ctx{"/tmp/berth-spec-test-volumes", "/tmp/berth-spec-test-etc", false, "gw", "", ""};
  const model::Task task = task_of();
  auto writer = agent::build_container_spec(task, td, "writer", busybox_like(), ctx);
  auto reader = agent::build_container_spec(task, td, "reader", busybox_like(), ctx);
  auto peer = agent::build_container_spec(task, td, "peer", busybox_like(), ctx);
  REQUIRE(writer.has_value());
  REQUIRE(reader.has_value());
  REQUIRE(peer.has_value());
  const auto binds = [](const runtime::ContainerSpec& spec) {
    std::vector<std::tuple<std::string, std::string, std::string>> out;
    for (const auto& m : spec.mounts) {
      if (m.type == "bind" && m.destination.find("/etc/") != 0) out.emplace_back(m.destination, m.source, m.options[1]);
    }
    return out;
  };
  const std::string root = "/tmp/berth-spec-test-volumes/" + task.id;
  using Binds = std::vector<std::tuple<std::string, std::string, std::string>>;
  CHECK(binds(*writer) == Binds{{"/data", root + "/data", "rw"}, {"/conf", root + "/conf", "ro"}});
  CHECK(binds(*reader) == Binds{{"/data", root + "/data", "ro"}, {"/conf", root + "/conf", "ro"}});
  CHECK(binds(*peer) == Binds{{"/data", root + "/data", "rw"}, {"/conf", root + "/conf", "ro"}});
  std::filesystem::remove_all("/tmp/berth-spec-test-volumes");
}

TEST_CASE("spec: a shared volume with autoprovision false must already exist", "[agent][volumes]") {
  const std::string root = "/tmp/berth-spec-test-autoprovision";
  std::filesystem::remove_all(root);
  const Json td = Json::parse(R"({"networkMode":"none","volumes":[{"name":"plant-db",
    "dockerVolumeConfiguration":{"scope":"shared","autoprovision":false}}],
    "containerDefinitions":[{"name":"main","image":"x","memory":64,
      "mountPoints":[{"sourceVolume":"plant-db","containerPath":"/db"}]}]})");
  agent::SpecContext ctx{root, root + "/etc", false, "gw", "", ""};
  auto missing = agent::build_container_spec(task_of(), td, "main", busybox_like(), ctx);
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().message ==
        "initialize volume: volume detection failed, volume 'plant-db' does not exist and autoprovision is set to false");
  CHECK_FALSE(std::filesystem::exists(root + "/shared/plant-db"));  // not created either
  std::filesystem::create_directories(root + "/shared/plant-db");
  auto present = agent::build_container_spec(task_of(), td, "main", busybox_like(), ctx);
  REQUIRE(present.has_value());
  CHECK(present->mounts[0].source == root + "/shared/plant-db");
  std::filesystem::remove_all(root);
}

TEST_CASE("spec: disableNetworking gets a namespace of its own and no resolv.conf", "[agent][network]") {
  agent::SpecContext ctx{"/tmp/v", "/tmp/berth-spec-test-etc", false, "gw", "/run/berth/netns/t1", "nameserver 1.1.1.1\n"};
  for (const char* mode : {"bridge", "host", "none"}) {
    INFO(mode);
    const Json td = Json::parse(std::string(R"({"networkMode":")") + mode +
                                R"(","containerDefinitions":[{"name":"main","image":"x","memory":64,"disableNetworking":true}]})");
    auto spec = agent::build_container_spec(task_of(), td, "main", busybox_like(), ctx);
    REQUIRE(spec.has_value());
    CHECK(spec->network == runtime::NetworkNamespace::private_);
    CHECK(spec->network_namespace_path.empty());
    CHECK(std::none_of(spec->mounts.begin(), spec->mounts.end(),
                       [](const runtime::Mount& m) { return m.destination == "/etc/resolv.conf"; }));
    CHECK(mounted_file(*spec, "/etc/hosts").starts_with("127.0.0.1\tlocalhost\n"));
  }
}

TEST_CASE("spec: dockerSecurityOptions lift seccomp and the masked paths, and name an AppArmor profile", "[agent][security]") {
  const Json td = Json::parse(R"({"networkMode":"none","containerDefinitions":[{"name":"main","image":"x","memory":64,
    "dockerSecurityOptions":["seccomp=unconfined","systempaths=unconfined","apparmor:plc-reader"]}]})");
  agent::SpecContext ctx{"/tmp/v", "/tmp/berth-spec-test-etc", false, "gw", "", ""};
  ctx.apparmor_enabled = [] { return true; };
  auto spec = agent::build_container_spec(task_of(), td, "main", busybox_like(), ctx);
  REQUIRE(spec.has_value());
  CHECK_FALSE(spec->seccomp);
  CHECK(spec->unmasked_system_paths);
  CHECK(spec->apparmor_profile == "plc-reader");

  ctx.apparmor_enabled = [] { return false; };
  auto refused = agent::build_container_spec(task_of(), td, "main", busybox_like(), ctx);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().message == "dockerSecurityOptions apparmor 'plc-reader': AppArmor is not enabled on this instance");

  const Json plain = Json::parse(R"({"networkMode":"none","containerDefinitions":[{"name":"main","image":"x","memory":64,
    "dockerSecurityOptions":["no-new-privileges","apparmor=unconfined","label:disable"]}]})");
  auto defaults = agent::build_container_spec(task_of(), plain, "main", busybox_like(), ctx);  // AppArmor off is fine
  REQUIRE(defaults.has_value());
  REQUIRE(defaults->seccomp);
  CHECK(defaults->seccomp->rules.contains("syscalls"));
  CHECK_FALSE(defaults->unmasked_system_paths);
  CHECK(defaults->apparmor_profile.empty());
}

TEST_CASE("spec: pidMode, ipcMode and initProcessEnabled reach the spec", "[agent][namespaces]") {
  const Json td = Json::parse(R"({"networkMode":"bridge","pidMode":"task","ipcMode":"task","containerDefinitions":[
    {"name":"main","image":"x","memory":64,"linuxParameters":{"initProcessEnabled":true,"sharedMemorySize":256}},
    {"name":"side","image":"x","memory":64,"linuxParameters":{"sharedMemorySize":16}}]})");
  agent::SpecContext ctx{"/tmp/v", "/tmp/berth-spec-test-etc", false, "gw", "/run/berth/netns/t1", ""};
  const model::Task task = task_of();
  auto spec = agent::build_container_spec(task, td, "main", busybox_like(), ctx);
  REQUIRE(spec.has_value());
  CHECK(spec->pid_mode == runtime::NamespaceMode::task);
  CHECK(spec->ipc_mode == runtime::NamespaceMode::task);
  CHECK(spec->task_id == task.id);
  CHECK(spec->init);
  CHECK(spec->init_binary.empty());  // the runtime knows its binary
  CHECK(spec->pid_namespace_path.empty());  // and the task's holder
  auto side = agent::build_container_spec(task, td, "side", busybox_like(), ctx);
  REQUIRE(side.has_value());
  CHECK_FALSE(side->init);
  CHECK(agent::task_shm_bytes(td) == 256LL << 20);  // the largest sharedMemorySize

  const Json plain = Json::parse(R"({"networkMode":"host","containerDefinitions":[{"name":"main","image":"x","memory":64}]})");
  auto defaults = agent::build_container_spec(task, plain, "main", busybox_like(), ctx);
  REQUIRE(defaults.has_value());
  CHECK(defaults->pid_mode == runtime::NamespaceMode::private_);
  CHECK(defaults->ipc_mode == runtime::NamespaceMode::private_);
  CHECK_FALSE(defaults->init);
  CHECK(agent::task_shm_bytes(plain) == 64LL << 20);

  for (const auto& [mode, expected] : {std::pair{"host", runtime::NamespaceMode::host},
                                       std::pair{"none", runtime::NamespaceMode::none},
                                       std::pair{"task", runtime::NamespaceMode::task},
                                       std::pair{"", runtime::NamespaceMode::private_}}) {
    CHECK(agent::namespace_mode_of(Json{{"ipcMode", mode}}, "ipcMode") == expected);
  }
  CHECK(agent::namespace_mode_of(Json::object(), "pidMode") == runtime::NamespaceMode::private_);
}

TEST_CASE("spec: a task with ephemeralStorage gets the seccomp profile that keeps it in its project", "[agent][seccomp]") {
  const auto ioctl_unconditional = [](const Json& profile) {
    for (const auto& r : profile["syscalls"]) {
      if (!r.contains("args") && std::find(r["names"].begin(), r["names"].end(), Json("ioctl")) != r["names"].end()) return true;
    }
    return false;
  };
  agent::SpecContext ctx{"/tmp/v", "/tmp/berth-spec-test-etc", false, "gw", "", ""};
  const Json plain = Json::parse(R"({"networkMode":"none","containerDefinitions":[{"name":"main","image":"x","memory":64}]})");
  Json limited = plain;
  limited["ephemeralStorage"] = {{"sizeInGiB", 21}};
  auto free_spec = agent::build_container_spec(task_of(), plain, "main", busybox_like(), ctx);
  auto limited_spec = agent::build_container_spec(task_of(), limited, "main", busybox_like(), ctx);
  auto overridden = agent::build_container_spec(
      task_of(Json::parse(R"({"ephemeralStorage":{"sizeInGiB":30}})")), plain, "main", busybox_like(), ctx);
  REQUIRE(free_spec.has_value());
  REQUIRE(limited_spec.has_value());
  REQUIRE(overridden.has_value());
  CHECK(ioctl_unconditional(free_spec->seccomp->rules));
  CHECK_FALSE(ioctl_unconditional(limited_spec->seccomp->rules));
  CHECK_FALSE(ioctl_unconditional(overridden->seccomp->rules));  // a RunTask override's limit too
  // The shared profile is left as it was for the containers without a limit.
  auto free_again = agent::build_container_spec(task_of(), plain, "main", busybox_like(), ctx);
  REQUIRE(free_again.has_value());
  CHECK(ioctl_unconditional(free_again->seccomp->rules));
}

TEST_CASE("spec: the task metadata URIs by network mode, over variables of those names", "[agent][metadata]") {
  const auto env_of = [](const std::string& mode, bool disable_networking) {
    Json td = Json::parse(R"({"containerDefinitions":[{"name":"main","image":"x","memory":64,
      "environment":[{"name":"ECS_CONTAINER_METADATA_URI_V4","value":"http://elsewhere"}]}]})");
    td["networkMode"] = mode;
    if (disable_networking) td["containerDefinitions"][0]["disableNetworking"] = true;
    agent::SpecContext ctx{"/tmp/v", "/tmp/etc", false, "gw", "/run/netns/x", ""};
    ctx.metadata_host_url = "http://127.0.0.1:51679";
    ctx.metadata_bridge_url = "http://172.31.0.1:51679";
    ctx.metadata_token = "tok";
    auto spec = agent::build_container_spec(task_of(), td, "main", busybox_like(), ctx);
    REQUIRE(spec.has_value());
    std::map<std::string, std::string> env;
    for (const auto& e : spec->env) env[e.substr(0, e.find('='))] = e.substr(e.find('=') + 1);
    return env;
  };
  const auto host = env_of("host", false);
  CHECK(host.at("ECS_CONTAINER_METADATA_URI_V4") == "http://127.0.0.1:51679/v4/tok");
  CHECK(host.at("ECS_CONTAINER_METADATA_URI") == "http://127.0.0.1:51679/v3/tok");
  const auto bridge = env_of("bridge", false);
  CHECK(bridge.at("ECS_CONTAINER_METADATA_URI_V4") == "http://172.31.0.1:51679/v4/tok");
  CHECK(bridge.at("ECS_CONTAINER_METADATA_URI") == "http://172.31.0.1:51679/v3/tok");
  // No network, no endpoint (as in ECS): the definition's own value stays.
  CHECK(env_of("none", false).at("ECS_CONTAINER_METADATA_URI_V4") == "http://elsewhere");
  CHECK_FALSE(env_of("none", false).contains("ECS_CONTAINER_METADATA_URI"));
  CHECK_FALSE(env_of("bridge", true).contains("ECS_CONTAINER_METADATA_URI"));
  CHECK_FALSE(env_of("host", true).contains("ECS_CONTAINER_METADATA_URI"));
}

TEST_CASE("spec: no metadata URIs without an endpoint or a token", "[agent][metadata]") {
  const Json td = Json::parse(R"({"networkMode":"host","containerDefinitions":[{"name":"main","image":"x","memory":64}]})");
  agent::SpecContext ctx{"/tmp/v", "/tmp/etc", false, "gw", "", ""};
  ctx.metadata_host_url = "http://127.0.0.1:51679";  // the endpoint did not open: tokens are ""
  auto spec = agent::build_container_spec(task_of(), td, "main", busybox_like(), ctx);
  REQUIRE(spec.has_value());
  CHECK(std::none_of(spec->env.begin(), spec->env.end(), [](const std::string& e) { return e.starts_with("ECS_CONTAINER_METADATA"); }));
  ctx.metadata_host_url = "";
  ctx.metadata_token = "tok";
  spec = agent::build_container_spec(task_of(), td, "main", busybox_like(), ctx);
  REQUIRE(spec.has_value());
  CHECK(std::none_of(spec->env.begin(), spec->env.end(), [](const std::string& e) { return e.starts_with("ECS_CONTAINER_METADATA"); }));
}

}  // namespace container_spec_builder_test
