// The relayed sessions' wire forms: the poll reply's relayRequests and the agent's connection back.
#include "model/relay_requests.hpp"

#include <catch2/catch.hpp>

#include "model/instance_poll.hpp"

namespace relay_requests_test {

using namespace berth;
using model::Json;

TEST_CASE("relay requests: an exec and an attach go through the poll reply and back; malformed ones are refused",
          "[model][relay]") {
  const std::vector<model::RelayRequest> requests{
      {"s1", model::RelayRequest::Kind::exec, "t1-main", {"sh", "-c", "cat"}, true, true},
      {"s2", model::RelayRequest::Kind::attach, "t1-main", {}, false, false}};
  const Json wire = model::relay_requests_to_json(requests);
  CHECK_FALSE(wire[1].contains("command"));  // an attach runs nothing
  auto back = model::relay_requests_from_json(wire);
  REQUIRE(back.has_value());
  REQUIRE(back->size() == 2);
  CHECK((*back)[0].id == "s1");
  CHECK((*back)[0].kind == model::RelayRequest::Kind::exec);
  CHECK((*back)[0].argv == std::vector<std::string>{"sh", "-c", "cat"});
  CHECK((*back)[0].tty);
  CHECK((*back)[0].interactive);
  CHECK((*back)[1].kind == model::RelayRequest::Kind::attach);
  CHECK((*back)[1].runtime_id == "t1-main");

  model::PollInstanceTasksReply reply;
  reply.cluster = "default";
  reply.instance_id = "i1";
  reply.relay_requests = requests;
  CHECK(model::encode_poll_instance_tasks(reply, ArnScope{"local", "000000000000"})["relayRequests"] == wire);

  for (const Json& bad : {Json::object(), Json::array({Json{{"sessionId", "s"}, {"kind", "exec"}, {"runtimeId", "r"}}}),
                          Json::array({Json{{"sessionId", "s"}, {"kind", "shell"}, {"runtimeId", "r"}}}),
                          Json::array({Json{{"sessionId", 1}, {"kind", "attach"}, {"runtimeId", "r"}}}),
                          Json::array({Json{{"sessionId", "s"}, {"kind", "attach"}, {"runtimeId", "r"}, {"tty", "yes"}}})}) {
    auto refused = model::relay_requests_from_json(bad);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().code == Code::server);
  }
  Json too_many = Json::array();
  for (std::size_t i = 0; i <= model::k_max_listed_relay_requests; ++i) too_many.push_back(wire[1]);
  CHECK_FALSE(model::relay_requests_from_json(too_many).has_value());
}

TEST_CASE("relay requests: the agent's connection names its instance and session", "[model][relay]") {
  const model::ConnectRelayRequest connect{"edge", "arn:aws:ecs:local:000000000000:container-instance/edge/i1", "s1"};
  const Json wire = model::encode_connect_relay(connect);
  auto back = model::decode_connect_relay(wire);
  REQUIRE(back.has_value());
  CHECK(back->cluster == std::optional<std::string>("edge"));
  CHECK(back->container_instance == connect.container_instance);
  CHECK(back->session_id == "s1");
  CHECK_FALSE(model::decode_connect_relay(Json{{"containerInstance", "i1"}, {"sessionId", ""}}).has_value());
  CHECK_FALSE(model::decode_connect_relay(Json{{"containerInstance", "i1"}, {"sessionId", std::string(65, 'a')}}).has_value());
}

}  // namespace relay_requests_test
