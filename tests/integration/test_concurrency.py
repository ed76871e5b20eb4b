"""Concurrent writers against the real `berth serve`: no acknowledged write is lost. No
containers are started (attributes and instance state only)."""
import json
import threading

from harness import BerthTestCase

ATTRIBUTE_WRITERS = 7
ROUNDS = 30


class ConcurrentInstanceWritesTest(BerthTestCase):
    def call(self, action, body):
        status, reply, _ = self.berth.raw(action, json.dumps(body))
        return status, reply

    def test_parallel_attribute_state_and_agent_writes_lose_nothing(self):
        status, listed = self.call("ListContainerInstances", {})
        self.assertEqual(status, 200, listed)
        arn = listed["containerInstanceArns"][0]
        status, described = self.call("DescribeContainerInstances", {"containerInstances": [arn]})
        self.assertEqual(status, 200, described)
        node = described["containerInstances"][0]
        built_in = [a for a in node["attributes"] if a["name"].startswith("ecs.")]

        last_value = {}
        last_state = ["ACTIVE"]
        last_agent = [None]
        errors = []

        def put_attributes(writer):
            name = "writer-%d" % writer
            for round_ in range(ROUNDS):
                value = "v%d" % round_
                if round_ % 5 == 4:  # now and then gone, then back
                    status, reply = self.call("DeleteAttributes", {"attributes": [{"name": name, "targetId": arn}]})
                    if status != 200:
                        errors.append(reply)
                        continue
                    last_value[name] = None
                status, reply = self.call("PutAttributes",
                                          {"attributes": [{"name": name, "value": value, "targetId": arn}]})
                if status != 200:
                    errors.append(reply)
                    continue
                last_value[name] = value

        def toggle_state():
            for round_ in range(ROUNDS):
                state = "DRAINING" if round_ % 2 == 0 else "ACTIVE"
                status, reply = self.call("UpdateContainerInstancesState",
                                          {"containerInstances": [arn], "status": state})
                if status != 200 or reply["failures"]:
                    errors.append(reply)
                    continue
                last_state[0] = state

        def agent_reregisters():
            # What an agent sends when it registers again after its restart.
            for round_ in range(ROUNDS):
                version = "agent-%d" % round_
                status, reply = self.call("RegisterContainerInstance", {
                    "containerInstanceArn": arn, "totalResources": node["registeredResources"],
                    "versionInfo": {"agentVersion": version}, "attributes": built_in})
                if status != 200:
                    errors.append(reply)
                    continue
                last_agent[0] = version

        threads = [threading.Thread(target=put_attributes, args=(w,)) for w in range(ATTRIBUTE_WRITERS)]
        threads += [threading.Thread(target=toggle_state), threading.Thread(target=agent_reregisters)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])

        status, described = self.call("DescribeContainerInstances", {"containerInstances": [arn]})
        self.assertEqual(status, 200, described)
        instance = described["containerInstances"][0]
        attributes = {a["name"]: a.get("value") for a in instance["attributes"]}
        lost = {name: value for name, value in last_value.items() if attributes.get(name) != value}
        self.assertEqual(lost, {}, "acknowledged attributes missing or stale (stored: %s)" % attributes)
        self.assertEqual(instance["status"], last_state[0])
        self.assertEqual(instance["versionInfo"]["agentVersion"], last_agent[0])
        for a in built_in:
            self.assertEqual(attributes.get(a["name"]), a.get("value"))

        # The same state after a restart: each acknowledged write was committed.
        self.berth.restart()
        status, described = self.call("DescribeContainerInstances", {"containerInstances": [arn]})
        self.assertEqual(status, 200, described)
        again = described["containerInstances"][0]
        self.assertEqual({a["name"]: a.get("value") for a in again["attributes"]}, attributes)
        self.assertEqual(again["status"], last_state[0])
