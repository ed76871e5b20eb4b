#include "svc/service_discovery.hpp"

#include <map>

#include <catch2/catch.hpp>

#include "fixtures/fixtures.hpp"
#include "model/container_instance.hpp"
#include "svc/actions.hpp"

namespace service_discovery_test {

using namespace berth;
using berth::testing::Json;
using berth::testing::ServiceFixture;

namespace {

Code code_of(const Result<Json>& result) {
  REQUIRE_FALSE(result.has_value());
  return result.error().code;
}

struct DiscoveryFixture : ServiceFixture {
  DiscoveryFixture() { ctx->instance_address = "172.31.0.1"; ctx->gateway->set_instance_id("i-here"); }

  std::string make_namespace(const std::string& name) {
    auto op = svc::create_private_dns_namespace(*ctx, Json{{"Name", name}, {"Vpc", "vpc-1"}});
    REQUIRE_OK(op);
    auto operation = svc::get_operation(*ctx, Json{{"OperationId", (*op)["OperationId"]}});
    REQUIRE_OK(operation);
    CHECK((*operation)["Operation"]["Status"] == "SUCCESS");
    return (*operation)["Operation"]["Targets"]["NAMESPACE"];
  }
  Json make_service(const std::string& ns, const std::string& name, Json records) {
    auto made = svc::create_sd_service(*ctx, Json{{"Name", name}, {"NamespaceId", ns},
                                                  {"DnsConfig", {{"RoutingPolicy", "MULTIVALUE"}, {"DnsRecords", records}}}});
    REQUIRE_OK(made);
    return (*made)["Service"];
  }
  model::NameAnswer resolve(const std::string& name) {
    auto answer = svc::resolve_discovery_name(*ctx, name);
    REQUIRE_OK(answer);
    return *answer;
  }
  // A task of ECS service `group` on `instance`, bound 8080 → `host_port`.
  void add_task(const std::string& id, const std::string& instance, model::TaskStatus last, model::TaskStatus desired,
                int host_port, const std::string& health = "UNKNOWN", long long revision = 1) {
    model::Task task;
    task.id = id;
    task.cluster = "default";
    task.family = "web";
    task.revision = revision;
    task.container_instance_id = instance;
    task.last_status = last;
    task.desired_status = desired;
    task.group = "service:web";
    model::TaskContainer c;
    c.name = "httpd";
    c.health_status = health;
    c.network_bindings = Json::array({{{"bindIP", "0.0.0.0"}, {"containerPort", 8080}, {"hostPort", host_port}, {"protocol", "tcp"}}});
    task.containers.push_back(c);
    REQUIRE_OK(store->insert_mirrored_task(task));
  }
  void add_definition(long long revision, bool health_check) {
    Json container{{"name", "httpd"}, {"image", "busybox"}, {"essential", true}};
    if (health_check) container["healthCheck"] = {{"command", {"CMD", "true"}}};
    model::TaskDefinition td{"web", revision, model::TaskDefinitionStatus::active,
                             Json{{"family", "web"}, {"containerDefinitions", {container}}}, 0, std::nullopt};
    REQUIRE_OK(store->mirror_task_definition(td));
  }
  void add_ecs_service(const std::string& registry_arn) {
    const Json body{{"attachments", {{"serviceRegistries", {{{"registryArn", registry_arn}, {"containerName", "httpd"},
                                                              {"containerPort", 8080}}}}}}};
    REQUIRE_OK(store->exec_for_test("INSERT INTO services(cluster, name, status, body, created_at) VALUES('default', 'web', "
                                    "'ACTIVE', '" + body.dump() + "', 0)"));
  }
};

}  // namespace

TEST_CASE_METHOD(DiscoveryFixture, "cloud map: namespaces are created, found, listed and deleted", "[service_discovery]") {
  const std::string id = make_namespace("local");
  CHECK(id.starts_with("ns-"));
  auto got = svc::get_namespace(*ctx, Json{{"Id", id}});
  REQUIRE_OK(got);
  CHECK((*got)["Namespace"]["Name"] == "local");
  CHECK((*got)["Namespace"]["Type"] == "DNS_PRIVATE");
  CHECK((*got)["Namespace"]["Arn"] == "arn:aws:servicediscovery:local:000000000000:namespace/" + id);
  CHECK(code_of(svc::create_private_dns_namespace(*ctx, Json{{"Name", "LOCAL"}, {"Vpc", "v"}})) ==
        Code::resource_exists);
  CHECK(code_of(svc::create_private_dns_namespace(*ctx, Json{{"Name", "bad..name"}, {"Vpc", "v"}})) == Code::invalid_parameter);
  CHECK(code_of(svc::create_private_dns_namespace(*ctx, Json{{"Name", "-x.local"}, {"Vpc", "v"}})) == Code::invalid_parameter);

  make_namespace("plant.internal");
  auto listed = svc::list_namespaces(*ctx, Json{{"MaxResults", 1}});
  REQUIRE_OK(listed);
  CHECK((*listed)["Namespaces"].size() == 1);
  REQUIRE((*listed).contains("NextToken"));
  auto rest = svc::list_namespaces(*ctx, Json{{"NextToken", (*listed)["NextToken"]}});
  REQUIRE_OK(rest);
  CHECK((*rest)["Namespaces"].size() == 1);
  CHECK((*rest)["Namespaces"][0]["Id"] != (*listed)["Namespaces"][0]["Id"]);
  auto filtered = svc::list_namespaces(
      *ctx, Json{{"Filters", {{{"Name", "NAME"}, {"Values", {"plant"}}, {"Condition", "BEGINS_WITH"}}}}});
  REQUIRE_OK(filtered);
  REQUIRE((*filtered)["Namespaces"].size() == 1);
  CHECK((*filtered)["Namespaces"][0]["Name"] == "plant.internal");

  const Json service = make_service(id, "web", Json::array({{{"Type", "A"}, {"TTL", 10}}}));
  CHECK(code_of(svc::delete_namespace(*ctx, Json{{"Id", id}})) == Code::resource_in_use);
  REQUIRE_OK(svc::delete_sd_service(*ctx, Json{{"Id", service["Id"]}}));
  REQUIRE_OK(svc::delete_namespace(*ctx, Json{{"Id", id}}));
  CHECK(code_of(svc::get_namespace(*ctx, Json{{"Id", id}})) == Code::namespace_not_found);
  CHECK(code_of(svc::delete_namespace(*ctx, Json{{"Id", id}})) == Code::namespace_not_found);
  CHECK(code_of(svc::get_operation(*ctx, Json{{"OperationId", "nope"}})) == Code::resource_not_found);
}

TEST_CASE_METHOD(DiscoveryFixture, "cloud map: services take A and SRV records with DNS label names", "[service_discovery]") {
  const std::string ns = make_namespace("local");
  const Json service = make_service(ns, "web", Json::array({{{"Type", "A"}, {"TTL", 60}}, {{"Type", "SRV"}, {"TTL", 60}}}));
  CHECK(service["Id"].get<std::string>().starts_with("srv-"));
  CHECK(service["DnsConfig"]["DnsRecords"].size() == 2);
  CHECK(code_of(svc::create_sd_service(*ctx, Json{{"Name", "web"}, {"NamespaceId", ns},
                                                  {"DnsConfig", {{"DnsRecords", {{{"Type", "A"}, {"TTL", 1}}}}}}})) ==
        Code::resource_exists);
  CHECK(code_of(svc::create_sd_service(*ctx, Json{{"Name", "we.b"}, {"NamespaceId", ns},
                                                  {"DnsConfig", {{"DnsRecords", {{{"Type", "A"}, {"TTL", 1}}}}}}})) ==
        Code::invalid_parameter);
  CHECK(code_of(svc::create_sd_service(*ctx, Json{{"Name", "v6"}, {"NamespaceId", ns},
                                                  {"DnsConfig", {{"DnsRecords", {{{"Type", "AAAA"}, {"TTL", 1}}}}}}})) ==
        Code::invalid_parameter);
  CHECK(code_of(svc::create_sd_service(*ctx, Json{{"Name", "x"}, {"NamespaceId", "ns-none"},
                                                  {"DnsConfig", {{"DnsRecords", {{{"Type", "A"}, {"TTL", 1}}}}}}})) ==
        Code::namespace_not_found);
  auto listed = svc::list_sd_services(*ctx, Json{{"Filters", {{{"Name", "NAMESPACE_ID"}, {"Values", {ns}}}}}});
  REQUIRE_OK(listed);
  REQUIRE((*listed)["Services"].size() == 1);
  CHECK((*listed)["Services"][0]["Name"] == "web");
  CHECK(code_of(svc::get_sd_service(*ctx, Json{{"Id", "srv-none"}})) == Code::service_not_found);
}

TEST_CASE_METHOD(DiscoveryFixture, "cloud map: custom instances are registered, discovered, resolved and deregistered",
                 "[service_discovery]") {
  const std::string ns = make_namespace("local");
  const Json service = make_service(ns, "db", Json::array({{{"Type", "A"}, {"TTL", 60}}, {{"Type", "SRV"}, {"TTL", 2}}}));
  const std::string id = service["Id"];
  CHECK(code_of(svc::register_instance(*ctx, Json{{"ServiceId", id}, {"InstanceId", "a"},
                                                  {"Attributes", {{"AWS_INSTANCE_IPV4", "10.0.0.5"}}}})) ==
        Code::invalid_parameter);  // SRV needs a port
  REQUIRE_OK(svc::register_instance(*ctx, Json{{"ServiceId", id}, {"InstanceId", "a"},
                                               {"Attributes", {{"AWS_INSTANCE_IPV4", "10.0.0.5"}, {"AWS_INSTANCE_PORT", "5432"}}}}));
  auto listed = svc::list_instances(*ctx, Json{{"ServiceId", id}});
  REQUIRE_OK(listed);
  REQUIRE((*listed)["Instances"].size() == 1);
  CHECK((*listed)["Instances"][0]["Attributes"]["AWS_INSTANCE_PORT"] == "5432");
  auto found = svc::discover_instances(*ctx, Json{{"NamespaceName", "local"}, {"ServiceName", "db"}});
  REQUIRE_OK(found);
  REQUIRE((*found)["Instances"].size() == 1);
  CHECK((*found)["Instances"][0]["InstanceId"] == "a");
  CHECK((*found)["Instances"][0]["HealthStatus"] == "HEALTHY");

  auto answer = resolve("DB.local.");
  CHECK(answer.outcome == model::NameAnswer::Outcome::found);
  CHECK(answer.ipv4 == std::vector<std::string>{"10.0.0.5"});
  REQUIRE(answer.srv.size() == 1);
  CHECK(answer.srv[0].port == 5432);
  CHECK(answer.srv[0].target == "a.db.local");
  CHECK(answer.ttl == 2);  // the smallest record TTL
  auto target = resolve("a.db.local");
  CHECK(target.ipv4 == std::vector<std::string>{"10.0.0.5"});
  CHECK(resolve("b.db.local").outcome == model::NameAnswer::Outcome::no_such_name);
  CHECK(resolve("nothing.local").outcome == model::NameAnswer::Outcome::no_such_name);
  CHECK(resolve("example.com").outcome == model::NameAnswer::Outcome::not_ours);
  CHECK(resolve("notlocal").outcome == model::NameAnswer::Outcome::not_ours);

  CHECK(code_of(svc::delete_sd_service(*ctx, Json{{"Id", id}})) == Code::resource_in_use);
  REQUIRE_OK(svc::deregister_instance(*ctx, Json{{"ServiceId", id}, {"InstanceId", "a"}}));
  CHECK(code_of(svc::deregister_instance(*ctx, Json{{"ServiceId", id}, {"InstanceId", "a"}})) == Code::resource_not_found);
  CHECK(resolve("db.local").srv.empty());
  CHECK(code_of(svc::discover_instances(*ctx, Json{{"NamespaceName", "other"}, {"ServiceName", "db"}})) ==
        Code::namespace_not_found);
  CHECK(code_of(svc::discover_instances(*ctx, Json{{"NamespaceName", "local"}, {"ServiceName", "x"}})) ==
        Code::service_not_found);
}

TEST_CASE_METHOD(DiscoveryFixture, "cloud map: an ECS service's running, healthy tasks of this gateway are its instances",
                 "[service_discovery]") {
  const std::string ns = make_namespace("local");
  const Json service = make_service(ns, "web", Json::array({{{"Type", "A"}, {"TTL", 300}}, {{"Type", "SRV"}, {"TTL", 300}}}));
  add_ecs_service(service["Arn"]);
  add_definition(1, false);
  add_definition(2, true);
  add_task("t-running", "i-here", model::TaskStatus::running, model::TaskStatus::running, 40001);
  add_task("t-pending", "i-here", model::TaskStatus::pending, model::TaskStatus::running, 40002);
  add_task("t-stopping", "i-here", model::TaskStatus::running, model::TaskStatus::stopped, 40003);
  add_task("t-elsewhere", "i-other", model::TaskStatus::running, model::TaskStatus::running, 40004);
  add_task("t-unhealthy", "i-here", model::TaskStatus::running, model::TaskStatus::running, 40005, "UNHEALTHY");
  add_task("t-checking", "i-here", model::TaskStatus::running, model::TaskStatus::running, 40006, "UNKNOWN", 2);
  add_task("t-healthy", "i-here", model::TaskStatus::running, model::TaskStatus::running, 40007, "HEALTHY", 2);

  auto listed = svc::list_instances(*ctx, Json{{"ServiceId", service["Id"]}});
  REQUIRE_OK(listed);
  const Json& instances = (*listed)["Instances"];
  REQUIRE(instances.size() == 2);
  CHECK(instances[0]["Id"] == "t-healthy");
  CHECK(instances[0]["Attributes"]["AWS_INSTANCE_PORT"] == "40007");
  CHECK(instances[1]["Id"] == "t-running");
  CHECK(instances[1]["Attributes"]["AWS_INSTANCE_IPV4"] == "172.31.0.1");
  CHECK(instances[1]["Attributes"]["AWS_INSTANCE_PORT"] == "40001");
  CHECK(instances[1]["Attributes"]["ECS_SERVICE_NAME"] == "web");

  auto answer = resolve("web.local");
  CHECK(answer.ttl == model::k_max_discovery_ttl_s);  // 300 s capped
  CHECK(answer.ipv4 == std::vector<std::string>{"172.31.0.1"});
  REQUIRE(answer.srv.size() == 2);
  CHECK(answer.srv[1].port == 40001);
  CHECK(answer.srv[1].target == "t-running.web.local");
  CHECK(resolve("t-running.web.local").ipv4 == std::vector<std::string>{"172.31.0.1"});

  // The task begins stopping: it leaves the answers at once.
  REQUIRE_OK(store->exec_for_test("UPDATE tasks SET desired_status = 'STOPPED', body = json_set(body, '$.desiredStatus', "
                                  "'STOPPED') WHERE id = 't-running'"));
  auto after = resolve("web.local");
  REQUIRE(after.srv.size() == 1);
  CHECK(after.srv[0].port == 40007);
  CHECK(code_of(svc::delete_sd_service(*ctx, Json{{"Id", service["Id"]}})) == Code::resource_in_use);
}

TEST_CASE_METHOD(DiscoveryFixture, "cloud map: tasks of joined gateways are answered at the address each registered",
                 "[service_discovery]") {
  // Two joined gateways: one registered its address (as a joined agent does), one did not.
  for (const auto& [id, address] : {std::pair<std::string, std::string>{"i-joined", "10.213.0.11"}, {"i-silent", ""}}) {
    model::NodeRegistration node;
    node.cluster = "default";
    node.instance_id = id;
    node.attributes = {{"ecs.os-type", "linux"}};
    if (!address.empty()) node.attributes[std::string(model::k_instance_address_attribute)] = address;
    REQUIRE_OK(svc::register_node(*ctx, node));
  }
  const std::string ns = make_namespace("local");
  const Json service = make_service(ns, "web", Json::array({{{"Type", "A"}, {"TTL", 5}}, {{"Type", "SRV"}, {"TTL", 5}}}));
  add_ecs_service(service["Arn"]);
  add_definition(1, false);
  add_task("t-here", "i-here", model::TaskStatus::running, model::TaskStatus::running, 40001);
  add_task("t-joined-1", "i-joined", model::TaskStatus::running, model::TaskStatus::running, 40002);
  add_task("t-joined-2", "i-joined", model::TaskStatus::running, model::TaskStatus::running, 40003);
  add_task("t-joined-stopping", "i-joined", model::TaskStatus::running, model::TaskStatus::stopped, 40004);
  add_task("t-silent", "i-silent", model::TaskStatus::running, model::TaskStatus::running, 40005);

  auto answer = resolve("web.local");
  CHECK(answer.ipv4 == std::vector<std::string>{"10.213.0.11", "172.31.0.1"});
  std::map<std::string, std::pair<int, std::string>> srv;
  for (const auto& record : answer.srv) srv[record.target] = {record.port, record.ipv4};
  CHECK(srv == std::map<std::string, std::pair<int, std::string>>{{"t-here.web.local", {40001, "172.31.0.1"}},
                                                                    {"t-joined-1.web.local", {40002, "10.213.0.11"}},
                                                                    {"t-joined-2.web.local", {40003, "10.213.0.11"}}});
  CHECK(resolve("t-joined-2.web.local").ipv4 == std::vector<std::string>{"10.213.0.11"});
  CHECK(resolve("t-silent.web.local").outcome == model::NameAnswer::Outcome::no_such_name);
  auto listed = svc::list_instances(*ctx, Json{{"ServiceId", service["Id"]}});
  REQUIRE_OK(listed);
  REQUIRE((*listed)["Instances"].size() == 3);
  CHECK((*listed)["Instances"][1]["Attributes"]["AWS_INSTANCE_IPV4"] == "10.213.0.11");

  // The joined gateway registers again from another address: the answers follow.
  model::NodeRegistration moved;
  moved.cluster = "default";
  moved.instance_id = "i-joined";
  moved.attributes = {{std::string(model::k_instance_address_attribute), "10.213.0.12"}};
  REQUIRE_OK(svc::register_node(*ctx, moved));
  CHECK(resolve("t-joined-1.web.local").ipv4 == std::vector<std::string>{"10.213.0.12"});
}

}  // namespace service_discovery_test
