// The joined agent's client of the serving gateway's API, without a server: what a call sends
// must be encodable whatever bytes a container printed.
#include "cli/control_plane_client.hpp"

#include <catch2/catch.hpp>

#include "fixtures/fixtures.hpp"

using namespace berth;

TEST_CASE("control plane client: logs that are not UTF-8 are sent, not thrown on", "[cli][joined]") {
  berth::testing::FakeClock clock;
  // Port 1 on the loopback: nothing listens, so the call ends unanswered once its body is encoded.
  cli::ControlPlaneClient client("http://127.0.0.1:1", {}, clock);
  const agent::JoinedIdentity identity{"edge", "arn:aws:ecs:local:000000000000:container-instance/edge/i", "i",
                                       "AKIAJOINED", "secret", "local", ""};
  model::SubmitTaskLogsRequest answer{"edge", identity.instance_arn, "r1", {}};
  answer.logs["t1-main"] = model::Json::array({{{"time", "t"}, {"stream", "stdout"}, {"text", "caf\xe9 \xff\xfe"}}});
  const auto sent = client.submit_task_logs(identity, answer);
  REQUIRE_FALSE(sent.has_value());
  CHECK(agent::unanswered(sent.error()));
}
