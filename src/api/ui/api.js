"use strict";
// berth's own API as the page calls it: ECS JSON 1.1 (POST / with X-Amz-Target), Scheduler's REST
// routes, the logs REST path and the event streams (/v1/events, a followed log), signed with the key the user signed in with (kept in
// sessionStorage: this tab only, gone when it closes) or unsigned when berth runs with
// BERTH_AUTH=off. Requests go to the origin that served the page and nowhere else.

const ECS = "AmazonEC2ContainerServiceV20141113.";
const KEY_ITEM = "berth.key";

class ApiError extends Error {
  constructor(status, type, message) {
    super(message || type || "HTTP " + status);
    this.status = status;
    this.type = type;
  }
}

const api = {
  key: JSON.parse(sessionStorage.getItem(KEY_ITEM) || "null"),

  setKey(key) {
    this.key = key;
    if (key) sessionStorage.setItem(KEY_ITEM, JSON.stringify(key));
    else sessionStorage.removeItem(KEY_ITEM);
  },

  // One request; resolves to the reply's JSON (or {}), rejects with an ApiError. `probe` names the
  // request in its URL's query (ignored by berth): a refusal the page expects (the sign-in check,
  // the permission probes) is then told apart from a real failure in the browser's own log.
  async send({ method, path, query, headers, body, service, probe }) {
    query = (query || []).slice();
    if (probe) query.push(["dashboard-probe", probe]);
    let sent = Object.assign({}, headers);
    if (this.key) sent = await sigv4Sign({ method, path, query, headers: sent, body, key: this.key, service });
    const search = query.map(([n, v]) => encodeURIComponent(n) + "=" + encodeURIComponent(v)).join("&");
    const response = await fetch(path + (search ? "?" + search : ""), {
      method, headers: sent, body: method === "GET" ? undefined : body, cache: "no-store", credentials: "omit",
    });
    const text = await response.text();
    let json = {};
    try { json = text ? JSON.parse(text) : {}; } catch (e) { json = { message: text }; }
    if (!response.ok) {
      const type = (response.headers.get("x-amzn-ErrorType") || json.__type || "").split(/[#:]/).pop();
      throw new ApiError(response.status, type, json.message || json.Message);
    }
    return json;
  },

  ecs(action, request, probe) {
    return this.send({
      method: "POST", path: "/", body: JSON.stringify(request || {}), service: "ecs", probe,
      headers: { "x-amz-target": ECS + action, "content-type": "application/x-amz-json-1.1" },
    });
  },

  scheduler(method, path, request, query, probe) {
    return this.send({
      method, path, query, service: "scheduler", probe,
      body: method === "GET" ? "" : JSON.stringify(request || {}),
      headers: method === "GET" ? {} : { "content-type": "application/json" },
    });
  },

  // A stream of server-sent events (berth's GET /v1/events, a log tail with follow=1), read
  // through fetch so it is signed like any request (an EventSource cannot send headers): calls
  // onEvent(name, data) for each event and resolves when berth ends the stream; rejects with an
  // ApiError when refused or when the connection drops. `signal` aborts it.
  async stream({ path, query, service }, onEvent, signal) {
    query = (query || []).slice();
    let headers = {};
    if (this.key) headers = await sigv4Sign({ method: "GET", path, query, headers, body: "", key: this.key, service });
    const search = query.map(([n, v]) => encodeURIComponent(n) + "=" + encodeURIComponent(v)).join("&");
    const response = await fetch(path + (search ? "?" + search : ""), {
      method: "GET", headers, cache: "no-store", credentials: "omit", signal,
    });
    if (!response.ok) {
      const text = await response.text();
      let json = {};
      try { json = JSON.parse(text); } catch (e) { json = { message: text }; }
      const type = (response.headers.get("x-amzn-ErrorType") || json.__type || "").split(/[#:]/).pop();
      throw new ApiError(response.status, type, json.message || json.Message);
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffered = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffered += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffered.indexOf("\n\n")) >= 0) {
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        let name = "message";
        const data = [];
        for (const line of block.split("\n")) {
          if (line.startsWith("event: ")) name = line.slice(7);
          else if (line.startsWith("data: ")) data.push(line.slice(6));
        }
        if (data.length) onEvent(name, data.join("\n"));
      }
    }
  },

  // The change notices: "change" whenever the cluster's state or the container readings change.
  changes(cluster, onEvent, signal) {
    return this.stream({ path: "/v1/events", query: [["cluster", cluster]], service: "berth" }, onEvent, signal);
  },

  // A task's log lines as they come: "logs" (a logs reply), "end" once the task stopped.
  followLogs(task, cluster, since, onEvent, signal) {
    return this.stream({
      path: "/v1/tasks/" + encodeURIComponent(task) + "/logs", service: "berth",
      query: [["cluster", cluster], ["since", String(since)], ["follow", "1"]],
    }, onEvent, signal);
  },

  logs(task, cluster, since) {
    return this.send({
      method: "GET", path: "/v1/tasks/" + encodeURIComponent(task) + "/logs", service: "berth",
      query: [["cluster", cluster], ["since", String(since)]],
    });
  },

  // This gateway's images and the pulls under way (berth's GET /v1/images).
  images() {
    return this.send({ method: "GET", path: "/v1/images", service: "berth" });
  },

  // Every item of a List* call, following nextToken (at most `pages` pages).
  async listAll(action, request, field, pages = 10) {
    const items = [];
    let token;
    for (let i = 0; i < pages; i++) {
      const reply = await this.ecs(action, Object.assign({}, request, token ? { nextToken: token } : {}));
      items.push(...(reply[field] || []));
      token = reply.nextToken;
      if (!token) break;
    }
    return items;
  },

  // Describe* over `arns` in batches of `batch`, the replies' `field` joined.
  async describeAll(action, request, arnsField, arns, field, batch) {
    const out = [];
    for (let i = 0; i < arns.length; i += batch) {
      const reply = await this.ecs(action, Object.assign({}, request, { [arnsField]: arns.slice(i, i + batch) }));
      out.push(...(reply[field] || []));
    }
    return out;
  },
};

// Which write actions the key may take, for the buttons: each is probed once per key and cluster
// with a request that names nothing that exists (a zero task id, a service, task definition and
// schedule named "berth-dashboard-probe"), so it can only fail. berth authorizes before it looks,
// so AccessDeniedException means the policy refuses the action there; any other error (not
// found) means it allows it. berth has no dry-run flag and no policy-simulation call; hiding a
// button only after a refused click would show a read-only key buttons it cannot use. The
// probes appear in the audit log as failed calls.
const PROBE_NAME = "berth-dashboard-probe";
const probes = {
  StopTask: (c) => api.ecs("StopTask", { cluster: c, task: "0".repeat(32) }, "StopTask"),
  UpdateService: (c) => api.ecs("UpdateService", { cluster: c, service: PROBE_NAME }, "UpdateService"),
  RunTask: (c) => api.ecs("RunTask", { cluster: c, taskDefinition: PROBE_NAME + ":1" }, "RunTask"),
  UpdateSchedule: (c) => api.scheduler("PUT", "/schedules/" + PROBE_NAME, {
    ScheduleExpression: "rate(1 hour)", FlexibleTimeWindow: { Mode: "OFF" }, State: "DISABLED",
    Target: { Arn: "arn:aws:ecs:" + ((api.key && api.key.region) || "local") + ":000000000000:cluster/" + c,
      RoleArn: "arn:aws:iam::000000000000:role/any", EcsParameters: { TaskDefinitionArn: PROBE_NAME } },
  }, [], "UpdateSchedule"),
};

async function probePermissions(cluster) {
  const allowed = {};
  await Promise.all(Object.entries(probes).map(async ([action, probe]) => {
    try {
      await probe(cluster);
      allowed[action] = true;
    } catch (e) {
      allowed[action] = !(e instanceof ApiError && e.type === "AccessDeniedException");
    }
  }));
  return allowed;
}
