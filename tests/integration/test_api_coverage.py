"""Every action in botocore's ECS model (the one the aws CLI and boto3 on this machine use) is
either served or refused on purpose with an ECS-shaped error: none answers
UnknownOperationException, which a tool reads as "this endpoint does not speak ECS"."""
import botocore.session

from harness import BerthTestCase

# Actions a gateway refuses on purpose, with the error type they answer (the message says why).
REFUSED = {
    "CreateExpressGatewayService": "UnsupportedFeatureException",
    "DeleteExpressGatewayService": "UnsupportedFeatureException",
    "DescribeExpressGatewayService": "UnsupportedFeatureException",
    "UpdateExpressGatewayService": "UnsupportedFeatureException",
    "UpdateContainerAgent": "UnsupportedFeatureException",
}


class ApiCoverageTest(BerthTestCase):
    def test_every_action_of_the_ecs_model_is_served_or_refused_on_purpose(self):
        model = botocore.session.get_session().get_service_model("ecs")
        self.assertGreaterEqual(len(model.operation_names), 77)
        unknown = []
        for name in model.operation_names:
            # An empty body: a served action answers its validation error (or a reply), never
            # UnknownOperationException.
            code, reply, _ = self.berth.raw(name, "{}")
            if reply.get("__type") == "UnknownOperationException":
                unknown.append(name)
            elif name in REFUSED:
                self.assertEqual(reply.get("__type"), REFUSED[name], (name, reply))
                self.assertEqual(code, 400, (name, reply))
                self.assertGreater(len(reply.get("message", "")), 40, (name, reply))
        self.assertEqual(unknown, [], "actions berth neither serves nor refuses on purpose")
