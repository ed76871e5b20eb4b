"""versionConsistency on a service, with images from the local registry (Debian's docker-registry,
filled by skopeo). The tag moves to an image with other content (its config's environment says
VERSION=two) after the service's first task started: with versionConsistency enabled (ECS's
default) the task a scale-out adds runs the digest the deployment's first task reported (the same
imageDigest, and it prints VERSION=one); disabled, it resolves the tag again; a new deployment
(forceNewDeployment) resolves it again too."""
import json
import os
import socket

from harness import send_raw_http
from registry import busybox_layout, rewrite_image
from test_registry import RegistryTestCase
from test_tasks import wait_for

REPOSITORY = "team/app:live"


class VersionConsistencyTest(RegistryTestCase):
    def push_version(self, version):
        """Pushes busybox with VERSION=`version` in its environment as team/app:live; its digest."""
        layout = busybox_layout(os.path.join(self.layouts, version))
        rewrite_image(layout, lambda config: config.setdefault("config", {}).setdefault("Env", []).append(
            "VERSION=" + version))
        return self.registry.push_layout(layout, REPOSITORY)

    def register_raw(self, definition):
        """RegisterTaskDefinition as raw signed JSON: Debian's botocore predates versionConsistency."""
        with socket.create_connection(("127.0.0.1", self.berth.port), timeout=30) as s:
            reply = send_raw_http(s, self.berth.raw_request("RegisterTaskDefinition", json.dumps(definition).encode()))
        self.assertTrue(reply.startswith(b"HTTP/1.1 200"), reply[:300])

    def start_service(self, family, **container):
        image = "%s/%s" % (self.registry.host, REPOSITORY)
        self.register_raw({"family": family, "networkMode": "host", "containerDefinitions": [
            dict({"name": "main", "image": image, "memory": 16, "stopTimeout": 1,
                  "command": ["sh", "-c", "echo VERSION=$VERSION; exec sleep 600"]}, **container)]})
        self.ecs.create_service(serviceName=family, taskDefinition=family, desiredCount=1)
        self.addCleanup(self.delete_service, family)
        return self.running_tasks(family, 1)

    def delete_service(self, name):
        self.ecs.delete_service(service=name, force=True)
        wait_for(lambda: self.ecs.list_tasks(serviceName=name)["taskArns"] == [], timeout=60,
                 what="tasks of %s stopped" % name)

    def running_tasks(self, service, count, started_by=None):
        def running():
            arns = self.ecs.list_tasks(serviceName=service, desiredStatus="RUNNING")["taskArns"]
            tasks = self.ecs.describe_tasks(tasks=arns)["tasks"] if arns else []
            tasks = [t for t in tasks if started_by is None or t["startedBy"] == started_by]
            ready = [t for t in tasks if t["lastStatus"] == "RUNNING" and t["containers"][0].get("imageDigest")]
            return ready if len(ready) == count else None
        return wait_for(running, timeout=90, what="%d running tasks of %s" % (count, service))

    def version_of(self, task):
        return wait_for(lambda: (lambda out: out.strip() or None)(self.logs(task["taskArn"]).stdout),
                        what="the output of " + task["taskArn"])

    def scaled_out(self, service, first):
        self.ecs.update_service(service=service, desiredCount=2)
        tasks = self.running_tasks(service, 2)
        return next(t for t in tasks if t["taskArn"] != first["taskArn"])

    def test_enabled_pins_the_deployment_to_its_first_digest_until_a_new_deployment(self):
        one = self.push_version("one")
        [first] = self.start_service("pinned")
        self.assertEqual(first["containers"][0]["imageDigest"], one)
        self.assertEqual(self.version_of(first), "VERSION=one")
        two = self.push_version("two")
        self.assertNotEqual(one, two)

        added = self.scaled_out("pinned", first)
        self.assertEqual(added["startedBy"], first["startedBy"])
        self.assertEqual(added["containers"][0]["imageDigest"], one)
        self.assertEqual(self.version_of(added), "VERSION=one")

        deployment = self.ecs.update_service(service="pinned", forceNewDeployment=True)["service"]["deployments"][0]
        renewed = self.running_tasks("pinned", 2, started_by=deployment["id"])
        for task in renewed:
            self.assertEqual(task["containers"][0]["imageDigest"], two)
            self.assertEqual(self.version_of(task), "VERSION=two")

    def test_disabled_resolves_the_tag_at_every_start(self):
        one = self.push_version("one")
        [first] = self.start_service("unpinned", versionConsistency="disabled")
        self.assertEqual(first["containers"][0]["imageDigest"], one)
        two = self.push_version("two")
        added = self.scaled_out("unpinned", first)
        self.assertEqual(added["containers"][0]["imageDigest"], two)
        self.assertEqual(self.version_of(added), "VERSION=two")
