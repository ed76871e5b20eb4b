"""Every action in botocore's ECS model (the one the aws CLI and boto3 on this machine use) is
either served or refused on purpose with an ECS-shaped error: none answers
UnknownOperationException, which a tool reads as "this endpoint does not speak ECS"."""
import gzip
import json

from harness import BerthTestCase

# The newest model on this machine: pyenv's botocore 1.43 (the suite's Python is Debian's, whose
# botocore 1.29 knows 55 of the actions). Read as a file, so no client of that version is needed.
MODEL = ("/root/.pyenv/versions/3.11.7/lib/python3.11/site-packages/botocore/data/ecs/2014-11-13/"
         "service-2.json.gz")

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
        with gzip.open(MODEL) as f:
            operations = sorted(json.load(f)["operations"])
        self.assertGreaterEqual(len(operations), 77)
        unknown = []
        for name in operations:
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
