"use strict";
// The views: each loads what it shows from the API and returns its DOM. Built with h(), which
// sets text, never HTML, so names and log lines from containers cannot inject markup. Elements
// with an `id` keep their typed values and open/closed state across the refreshes (app.js).

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    // Through the CSSOM: the page's Content-Security-Policy refuses style attributes in markup.
    else if (name === "style") el.style.cssText = value;
    else if (value === true) el.setAttribute(name, "");
    else el.setAttribute(name, value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

// The part of an ARN after its last '/': a task's id, a service's name, a revision ("web:3").
function lastPart(arn) { return String(arn || "").split("/").pop(); }
function shortId(arn) { return lastPart(arn).slice(0, 12); }

function ago(epochSeconds) {
  if (!epochSeconds) return "-";
  const s = Math.max(0, Math.round(Date.now() / 1000 - Number(epochSeconds)));
  if (s < 5) return "just now";
  if (s < 120) return s + "s ago";
  if (s < 7200) return Math.round(s / 60) + "m ago";
  if (s < 172800) return Math.round(s / 3600) + "h ago";
  return Math.round(s / 86400) + "d ago";
}

function when(value) {
  if (!value) return "-";
  const date = typeof value === "number" ? new Date(value * 1000) : new Date(value);
  return isNaN(date) ? String(value) : date.toLocaleString();
}

function table(headings, rows, empty) {
  if (!rows.length) return h("p", { class: "empty" }, empty);
  return h("div", { class: "scroll" }, h("table", {},
    h("thead", {}, h("tr", {}, headings.map((t) => h("th", {}, t)))),
    h("tbody", {}, rows)));
}

function cell(label, ...content) { return h("td", { "data-label": label }, ...content); }

function badge(text) { return h("span", { class: "badge " + String(text || "").toLowerCase() }, text || "-"); }

function resource(list, name) {
  const r = (list || []).find((x) => x.name === name);
  return r ? Number(r.integerValue || 0) : 0;
}

// "1.2 MB": decimal units, as `berth image ls` prints sizes.
function size(bytes) {
  const units = ["B", "kB", "MB", "GB"];
  let value = Number(bytes || 0);
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) { value /= 1000; unit++; }
  return (unit ? value.toFixed(1) : String(value)) + " " + units[unit];
}

// A bar of `reserved` against `total`, and what the containers use now (`inUse`, when known).
function meter(reserved, total, unit, inUse, what) {
  const share = total ? Math.min(100, Math.round((100 * reserved) / total)) : 0;
  return h("div", {}, h("div", { class: "meter" }, h("div", { class: "fill", style: "width:" + share + "%" }),
    h("span", {}, reserved + " / " + total + " " + unit + " reserved (" + (total - reserved) + " left)")),
  h("div", { class: "used", "data-used": what }, "used now: ",
    h("b", {}, inUse === null ? "unknown" : String(inUse)), inUse === null ? "" : " " + unit));
}

// What the running containers use now, by container instance ARN: {cpu: units, memory: MiB},
// from the node's samples (berth's GET /v1/stats; 100 % CPU is one core, 1024 units). Null when
// the key may not read them.
async function loadUsage(cluster, tasks) {
  let reply;
  try {
    reply = await api.send({ method: "GET", path: "/v1/stats", query: [["cluster", cluster]], service: "berth" });
  } catch (e) {
    return null;
  }
  const instanceOf = new Map(tasks.map((t) => [t.taskArn, t.containerInstanceArn]));
  const used = {};
  for (const c of reply.containers || []) {
    const instance = instanceOf.get(c.taskArn);
    if (!instance) continue;
    const u = used[instance] || (used[instance] = { cpu: 0, memory: 0 });
    u.cpu += (Number(c.cpuPercent || 0) * 1024) / 100;
    u.memory += Number(c.memoryWorkingSetBytes || 0) / 1048576;
  }
  return used;
}

// A used figure as shown: whole units, but never 0 for something that uses a little.
function usedFigure(value) { return value > 0 && value < 1 ? Number(value.toFixed(2)) : Math.round(value); }

// Tasks of `cluster` wanted RUNNING and recently STOPPED, described.
async function loadTasks(cluster) {
  const arns = (await Promise.all(["RUNNING", "STOPPED"].map((desiredStatus) =>
    api.listAll("ListTasks", { cluster, desiredStatus, maxResults: 100 }, "taskArns", 2)))).flat();
  const tasks = await api.describeAll("DescribeTasks", { cluster }, "tasks", arns, "tasks", 100);
  return tasks.sort((a, b) => Number(b.createdAt || 0) - Number(a.createdAt || 0));
}

async function loadInstances(cluster) {
  const arns = await api.listAll("ListContainerInstances", { cluster }, "containerInstanceArns");
  return api.describeAll("DescribeContainerInstances", { cluster }, "containerInstances", arns, "containerInstances", 100);
}

async function loadServices(cluster) {
  const arns = await api.listAll("ListServices", { cluster, maxResults: 100 }, "serviceArns");
  const services = await api.describeAll("DescribeServices", { cluster }, "services", arns, "services", 10);
  return services.sort((a, b) => a.serviceName.localeCompare(b.serviceName));
}

const views = {
  async overview(ctx) {
    // The three are independent: asked at once, the view waits for the slowest, not their sum.
    const [instances, tasks, services] = await Promise.all([loadInstances(ctx.cluster), loadTasks(ctx.cluster),
      loadServices(ctx.cluster)]);
    const usage = await loadUsage(ctx.cluster, tasks);
    const counts = {};
    for (const t of tasks) counts[t.lastStatus] = (counts[t.lastStatus] || 0) + 1;
    const events = services.flatMap((s) => (s.events || []).map((e) => Object.assign({ service: s.serviceName }, e)))
      .sort((a, b) => Number(b.createdAt) - Number(a.createdAt)).slice(0, 10);
    return h("div", {},
      h("h2", {}, "Instances"),
      instances.length ? instances.map((i) => {
        const cpu = resource(i.registeredResources, "CPU"), mem = resource(i.registeredResources, "MEMORY");
        const used = usage && (usage[i.containerInstanceArn] || { cpu: 0, memory: 0 });
        return h("div", { class: "card instance" },
          h("div", {}, h("strong", {}, shortId(i.containerInstanceArn)), " ", badge(i.status),
            " ", i.agentConnected ? "agent connected" : "agent not connected",
            " · ", i.runningTasksCount || 0, " running, ", i.pendingTasksCount || 0, " pending"),
          h("div", {}, "CPU"), meter(cpu - resource(i.remainingResources, "CPU"), cpu, "units",
            used ? usedFigure(used.cpu) : null, "cpu"),
          h("div", {}, "Memory"), meter(mem - resource(i.remainingResources, "MEMORY"), mem, "MiB",
            used ? usedFigure(used.memory) : null, "memory"));
      }) : h("p", { class: "empty" }, "No container instances in this cluster."),
      h("h2", {}, "Tasks"),
      h("div", { class: "counts", id: "task-counts" },
        ["PROVISIONING", "PENDING", "ACTIVATING", "RUNNING", "DEACTIVATING", "STOPPING", "STOPPED"]
          .filter((s) => counts[s] || s === "RUNNING")
          .map((s) => h("div", { class: "count", "data-status": s }, h("b", {}, counts[s] || 0), " ", s.toLowerCase()))),
      h("h2", {}, "Recent events"),
      table(["when", "service", "event"], events.map((e) => h("tr", {},
        cell("when", ago(e.createdAt)), cell("service", e.service), cell("event", e.message))), "No service events yet."));
  },

  async services(ctx) {
    const services = await loadServices(ctx.cluster);
    if (!services.length) return h("p", { class: "empty" }, "No services in this cluster.");
    return h("div", {}, services.map((s) => {
      const name = s.serviceName;
      return h("div", { class: "card service", "data-service": name },
        h("h3", {}, name, " ", badge(s.status), " ", h("small", {}, lastPart(s.taskDefinition))),
        h("div", { class: "numbers" },
          h("span", { class: "desired" }, "desired ", h("b", {}, s.desiredCount)),
          h("span", { class: "running" }, "running ", h("b", {}, s.runningCount)),
          h("span", { class: "pending" }, "pending ", h("b", {}, s.pendingCount))),
        (s.deployments || []).map((d) => {
          const share = d.desiredCount ? Math.min(100, Math.round((100 * d.runningCount) / d.desiredCount)) : 100;
          return h("div", { class: "deployment", "data-deployment": d.id },
            badge(d.status), " ", badge(d.rolloutState), " ", lastPart(d.taskDefinition), " · ",
            d.runningCount + "/" + d.desiredCount + " running", d.failedTasks ? ", " + d.failedTasks + " failed" : "",
            h("div", { class: "meter" }, h("div", { class: "fill", style: "width:" + share + "%" })),
            d.rolloutStateReason ? h("div", { class: "reason" }, d.rolloutStateReason) : null);
        }),
        ctx.can.UpdateService ? h("div", { class: "actions" },
          h("input", { id: "scale-" + name, class: "scale-input", type: "number", min: "0", max: "1000",
            value: String(s.desiredCount), "aria-label": "desired count of " + name }),
          h("button", { type: "button", class: "scale", onclick: () => ctx.act("Scaling " + name, () => {
            const input = document.getElementById("scale-" + name);
            return api.ecs("UpdateService", { cluster: ctx.cluster, service: name, desiredCount: Number(input.value) });
          }) }, "Scale"),
          h("button", { type: "button", class: "redeploy", onclick: () => ctx.act("New deployment of " + name,
            () => api.ecs("UpdateService", { cluster: ctx.cluster, service: name, forceNewDeployment: true })) },
          "Force new deployment")) : null,
        h("details", { id: "events-" + name }, h("summary", {}, "Events"),
          table(["when", "event"], (s.events || []).slice(0, 20).map((e) => h("tr", {},
            cell("when", ago(e.createdAt)), cell("event", e.message))), "No events.")));
    }));
  },

  async tasks(ctx) {
    const tasks = await loadTasks(ctx.cluster);
    const host = location.hostname;
    return table(["task", "definition", "status", "health", "ports", "containers", "started", "group", ""],
      tasks.map((t) => {
        const id = lastPart(t.taskArn);
        const ports = (t.containers || []).flatMap((c) => c.networkBindings || []).filter((b) => b.hostPort);
        return h("tr", { "data-task": id, "data-status": t.lastStatus },
          cell("task", h("code", {}, id.slice(0, 12))),
          cell("definition", lastPart(t.taskDefinitionArn)),
          cell("status", badge(t.lastStatus), t.stoppedReason ? h("div", { class: "reason" }, t.stoppedReason) : null),
          cell("health", t.healthStatus && t.healthStatus !== "UNKNOWN" ? badge(t.healthStatus) : "-"),
          cell("ports", ports.length ? ports.map((b) => h("a", {
            href: "http://" + host + ":" + b.hostPort + "/", target: "_blank", rel: "noopener noreferrer",
          }, b.hostPort + "→" + b.containerPort + "/" + (b.protocol || "tcp"))) : "-"),
          cell("containers", (t.containers || []).map((c) => h("div", { class: "container" }, c.name, " ",
            badge(c.lastStatus), c.exitCode !== undefined && c.exitCode !== null ? " exit " + c.exitCode : "",
            c.reason ? h("span", { class: "reason" }, " " + c.reason) : null))),
          cell("started", ago(t.startedAt || t.createdAt)),
          cell("group", t.group || "-"),
          cell("", h("button", { type: "button", class: "logs", onclick: () => ctx.tail(id) }, "Logs"),
            ctx.can.StopTask && t.desiredStatus !== "STOPPED" ? h("button", {
              type: "button", class: "stop danger", onclick: () => ctx.act("Stopping " + id.slice(0, 12),
                () => api.ecs("StopTask", { cluster: ctx.cluster, task: t.taskArn, reason: "Stopped from the dashboard" })),
            }, "Stop") : null));
      }), "No tasks in this cluster.");
  },

  async taskdefs(ctx) {
    const arns = await api.listAll("ListTaskDefinitions", { status: "ACTIVE", sort: "DESC", maxResults: 100 },
      "taskDefinitionArns", 5);
    const byFamily = new Map();
    for (const arn of arns) {
      const [name, revision] = lastPart(arn).split(":");
      if (!byFamily.has(name)) byFamily.set(name, []);
      byFamily.get(name).push({ arn, revision });
    }
    if (!byFamily.size) return h("p", { class: "empty" }, "No task definitions.");
    return h("div", {}, [...byFamily.keys()].sort().map((name) => h("div", { class: "card taskdef" },
      h("h3", {}, name),
      byFamily.get(name).map(({ arn, revision }) => h("div", { class: "revision" },
        h("details", { id: "td-" + name + "-" + revision, ontoggle: (e) => e.target.open && ctx.showDefinition(arn, e.target) },
          h("summary", {}, "revision " + revision),
          h("pre", { class: "json" }, ctx.definitions.get(arn) || "…")),
        ctx.can.RunTask ? h("button", { type: "button", class: "run", onclick: () => ctx.act("Running " + lastPart(arn),
          () => api.ecs("RunTask", { cluster: ctx.cluster, taskDefinition: arn, count: 1 })) }, "Run") : null)))));
  },

  async schedules(ctx) {
    const list = await api.scheduler("GET", "/schedules", null, [["MaxResults", "100"]]);
    const schedules = await Promise.all((list.Schedules || []).map((s) =>
      api.scheduler("GET", "/schedules/" + encodeURIComponent(s.Name), null, [["groupName", s.GroupName || "default"]])));
    return table(["schedule", "expression", "state", "next run", "last run", ""], schedules.map((s) => {
      const last = s.LastRun || {};
      const enabled = s.State === "ENABLED";
      return h("tr", { "data-schedule": s.Name },
        cell("schedule", s.GroupName && s.GroupName !== "default" ? s.GroupName + "/" : "", s.Name),
        cell("expression", h("code", {}, s.ScheduleExpression), s.ScheduleExpressionTimezone ? " " + s.ScheduleExpressionTimezone : ""),
        cell("state", badge(s.State)),
        cell("next run", when(s.NextInvocation)),
        cell("last run", last.Result ? when(last.StartedAt || last.ScheduledTime) + " " + last.Result +
          (last.Reason ? ": " + last.Reason : "") : "-"),
        cell("", ctx.can.UpdateSchedule ? h("button", { type: "button", class: "toggle", onclick: () => ctx.act(
          (enabled ? "Disabling " : "Enabling ") + s.Name, () => setScheduleState(s, enabled ? "DISABLED" : "ENABLED")) },
        enabled ? "Disable" : "Enable") : null));
    }), "No schedules.");
  },

  // The gateway's own images (not the cluster's: each instance has its store), newest first,
  // and the pulls under way with their progress.
  async images() {
    const reply = await api.images();
    const pulls = reply.pulls || [];
    const images = (reply.images || []).sort((a, b) => Number(b.importedAt || 0) - Number(a.importedAt || 0));
    return h("div", {},
      pulls.length ? h("div", {}, h("h2", {}, "Pulling"), pulls.map((p) => {
        const share = p.bytesTotal ? Math.min(100, Math.round((100 * p.bytesDone) / p.bytesTotal)) : 0;
        return h("div", { class: "card pull", "data-pull": p.name }, h("strong", {}, p.name),
          h("div", { class: "meter" }, h("div", { class: "fill", style: "width:" + share + "%" }),
            h("span", {}, size(p.bytesDone) + " of " + size(p.bytesTotal) + ", layers " + p.layersDone + "/" + p.layersTotal)));
      })) : null,
      h("h2", {}, "Images on this gateway"),
      table(["image", "id", "size", "in use", "source", "added"], images.map((i) => h("tr", { "data-image": i.imageId },
        cell("image", (i.names && i.names.length ? i.names : ["<none>"]).map((n) => h("div", {}, n))),
        cell("id", h("code", {}, String(i.imageId).replace(/^sha256:/, "").slice(0, 12))),
        cell("size", size(i.sizeInBytes)),
        cell("in use", i.inUse === undefined ? "unknown" : i.inUse ? badge("IN USE") : "no"),
        cell("source", i.source),
        cell("added", ago(i.importedAt)))), "No images: `berth image import` or `berth image pull` adds them."));
  },
};

// UpdateSchedule replaces the whole schedule: send back what GetSchedule returned, State changed.
function setScheduleState(schedule, state) {
  const body = { State: state };
  for (const field of ["GroupName", "ScheduleExpression", "ScheduleExpressionTimezone", "FlexibleTimeWindow", "Target",
    "StartDate", "EndDate", "Description", "ActionAfterCompletion", "OverlapPolicy", "KmsKeyArn"]) {
    if (schedule[field] !== undefined && schedule[field] !== null) body[field] = schedule[field];
  }
  return api.scheduler("PUT", "/schedules/" + encodeURIComponent(schedule.Name), body);
}
