"use strict";
// The page's controller: sign-in, the cluster choice, the view named by the URL's #fragment,
// refreshed every 2 seconds while the tab is shown, without reloading (plain polling: berth has no
// event stream), the action buttons (shown as the key's probed permissions allow, api.js) and the
// log tail.

const REFRESH_MS = 2000;
const LOG_POLL_MS = 1000;
const LOG_LINES = 500;  // the tail keeps this many lines

const state = { cluster: "default", can: {}, definitions: new Map(), busy: false, timer: null, generation: 0 };
const $ = (id) => document.getElementById(id);

// One line of status: what an action did (kept until the next action), or why the last refresh
// failed (cleared by the next one that works).
function say(text, isError, fromRefresh) {
  const status = $("status");
  status.textContent = text || "";
  status.className = isError ? "error" : "";
  status.dataset.source = fromRefresh ? "refresh" : "action";
}

function viewName() {
  const name = location.hash.slice(1);
  return Object.prototype.hasOwnProperty.call(views, name) ? name : "overview";
}

// Replaces the view's DOM, keeping what the user is doing in it: typed values, open <details>,
// focus and the scroll position of each element that has an id.
function swap(next) {
  const main = $("main");
  for (const old of main.querySelectorAll("[id]")) {
    const twin = next.querySelector("#" + CSS.escape(old.id));
    if (!twin) continue;
    if (old.tagName === "INPUT" && old.value !== old.defaultValue) twin.value = old.value;
    if (old.tagName === "DETAILS") twin.open = old.open;
    if (old.scrollTop) twin.scrollTop = old.scrollTop;
  }
  const focused = document.activeElement && document.activeElement.id;
  main.replaceChildren(next);
  if (focused && $(focused)) $(focused).focus();
}

const ctx = {
  get cluster() { return state.cluster; },
  get can() { return state.can; },
  get definitions() { return state.definitions; },
  // Runs an action, says how it went, and refreshes at once.
  async act(what, run) {
    say(what + "…");
    try {
      await run();
      say(what + ": done.");
    } catch (e) {
      say(what + ": " + e.message, true);
      if (e.type === "AccessDeniedException") refreshPermissions();
    }
    refresh();
  },
  async showDefinition(arn, details) {
    if (!state.definitions.has(arn)) {
      try {
        const reply = await api.ecs("DescribeTaskDefinition", { taskDefinition: arn, include: ["TAGS"] });
        state.definitions.set(arn, JSON.stringify(reply.taskDefinition, null, 2));
      } catch (e) {
        state.definitions.set(arn, e.message);
      }
    }
    details.querySelector("pre").textContent = state.definitions.get(arn);
  },
  tail(task) { startTail(task); },
};

async function refresh() {
  // A tab nobody looks at asks nothing: the view is refreshed the moment it is shown again.
  if (state.busy || document.hidden) return;
  state.busy = true;
  const generation = state.generation;
  const name = viewName();
  for (const a of document.querySelectorAll("#nav a")) a.classList.toggle("current", a.hash === "#" + name);
  try {
    const content = await views[name](ctx);
    if (generation === state.generation && name === viewName()) {
      swap(content);
      if ($("status").dataset.source === "refresh") say("");
      document.body.dataset.updated = String(Date.now());
    }
  } catch (e) {
    if (e.status === 403 && e.type !== "AccessDeniedException") return signOut(e.message);
    say(e.message, true, true);
  } finally {
    state.busy = false;
  }
}

async function refreshPermissions() {
  state.can = await probePermissions(state.cluster);
  document.body.dataset.permissions = Object.keys(probes).filter((k) => state.can[k]).join(" ") || "none";
}

async function loadClusters() {
  const arns = await api.listAll("ListClusters", {}, "clusterArns");
  const select = $("cluster");
  const names = arns.map(lastPart);
  if (!names.includes(state.cluster) && names.length) state.cluster = names[0];
  select.replaceChildren(...names.map((n) => h("option", { value: n, selected: n === state.cluster }, n)));
}

// The tail of one task's container output, from berth's logs path (GET /v1/tasks/ID/logs).
const tail = { task: null, next: 0, timer: null, lines: [] };

function startTail(task) {
  clearTimeout(tail.timer);
  Object.assign(tail, { task, next: 0, lines: [] });
  $("logs").hidden = false;
  document.body.classList.add("tailing");
  $("logs-title").textContent = "Logs of task " + task.slice(0, 12);
  $("logs-text").textContent = "";
  pollTail();
}

async function pollTail() {
  const task = tail.task;
  if (!task) return;
  let more = false;
  let stopped = false;
  try {
    const reply = await api.logs(task, state.cluster, tail.next);
    if (task !== tail.task) return;
    for (const e of reply.events || []) {
      tail.lines.push((e.container ? e.container + " " : "") + (e.stream === "stderr" ? "! " : "") + e.text.replace(/\n$/, ""));
    }
    tail.lines.splice(0, Math.max(0, tail.lines.length - LOG_LINES));
    tail.next = reply.next || tail.next;
    more = Boolean(reply.more);
    // A stopped task writes nothing more: the tail ends once it has read everything.
    if (reply.taskStatus === "STOPPED" && !more) {
      tail.lines.push("(the task has stopped)");
      stopped = true;
    }
    const pre = $("logs-text");
    const atEnd = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
    pre.textContent = tail.lines.join("\n");
    if (atEnd) pre.scrollTop = pre.scrollHeight;
  } catch (e) {
    $("logs-text").textContent = e.message;
  }
  if (task === tail.task && !stopped) tail.timer = setTimeout(pollTail, more ? 0 : LOG_POLL_MS);
}

function stopTail() {
  clearTimeout(tail.timer);
  tail.task = null;
  $("logs").hidden = true;
  document.body.classList.remove("tailing");
}

function signOut(message) {
  clearInterval(state.timer);
  state.timer = null;
  stopTail();
  api.setKey(null);
  $("signin").hidden = false;
  $("main").replaceChildren();
  $("signout").hidden = true;
  $("who").textContent = "";
  $("signin-error").textContent = message || "";
}

// Starts the dashboard with the key in hand (or none, when berth takes unsigned requests).
async function start() {
  await loadClusters();
  await refreshPermissions();
  $("signin").hidden = true;
  $("signout").hidden = !api.key;
  $("who").textContent = api.key ? api.key.id : "auth off";
  refresh();
  clearInterval(state.timer);
  state.timer = setInterval(refresh, REFRESH_MS);
}

async function boot() {
  $("signin").addEventListener("submit", async (event) => {
    event.preventDefault();
    api.setKey({ id: $("key-id").value.trim(), secret: $("key-secret").value.trim(), region: $("key-region").value.trim() });
    $("key-secret").value = "";
    try {
      await start();
    } catch (e) {
      signOut(e.message);
    }
  });
  $("signout").addEventListener("click", () => signOut(""));
  $("logs-close").addEventListener("click", stopTail);
  $("cluster").addEventListener("change", async () => {
    state.cluster = $("cluster").value;
    state.generation++;
    stopTail();
    await refreshPermissions();
    refresh();
  });
  window.addEventListener("hashchange", () => { state.generation++; refresh(); });
  document.addEventListener("visibilitychange", () => { if (!document.hidden && state.timer) refresh(); });
  if (!api.key) {
    // berth with BERTH_AUTH=off answers unsigned requests; otherwise ask for a key.
    try {
      await api.ecs("ListClusters", {}, "auth");
    } catch (e) {
      return signOut("");
    }
  }
  try {
    await start();
  } catch (e) {
    signOut(e.message);
  }
}

boot();
