"use strict";
// The page's controller: sign-in, the cluster choice, the view named by the URL's #fragment,
// re-read without reloading whenever berth's change stream (GET /v1/events, server-sent events)
// says something changed, the action buttons (shown as the key's probed permissions allow,
// api.js) and the log tail, pushed by berth as lines come. Only while a stream is down does the
// page poll (and it keeps trying to reopen the stream).

const FALLBACK_POLL_MS = 2000;  // the views, while the change stream is down
const RECONNECT_MS = 3000;      // between attempts to reopen a stream
const LOG_POLL_MS = 1000;       // the tail, while its stream is down
const LOG_LINES = 500;  // the tail keeps this many lines
const STOPPED_LINE = "(the task has stopped)";

const state = { cluster: "default", can: {}, definitions: new Map(), busy: false, again: false, generation: 0 };
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
  if (document.hidden) return;
  // A notice during a refresh may be about what it has already read, or not: read once more.
  if (state.busy) {
    state.again = true;
    return;
  }
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
  if (state.again) {
    state.again = false;
    refresh();
  }
}

// The change stream: on each notice the view is read again. `state` counts the store's changes;
// `readings` moves with every container sample, which only the overview shows (used CPU and
// memory). While the stream is down the page polls, and tries to reopen it.
const live = { stream: null, poll: null, retry: null, state: null };

function startLive() {
  clearTimeout(live.retry);
  if (live.stream) live.stream.abort();
  const stream = new AbortController();
  live.stream = stream;
  const opened = api.changes(state.cluster, (name, data) => {
    if (name !== "change" || live.stream !== stream) return;
    clearInterval(live.poll);
    live.poll = null;
    document.body.dataset.live = "stream";
    let notice = {};
    try { notice = JSON.parse(data); } catch (e) { /* a notice without figures still means "read again" */ }
    const stateChanged = notice.state !== live.state;
    live.state = notice.state;
    if (stateChanged || viewName() === "overview") refresh();
  }, stream.signal);
  opened.then(() => liveDropped(stream, null), (e) => liveDropped(stream, e));
}

function liveDropped(stream, error) {
  if (live.stream !== stream) return;  // stopped or replaced on purpose
  live.stream = null;
  if (error && error.status === 403 && error.type !== "AccessDeniedException") return signOut(error.message);
  document.body.dataset.live = "polling";
  if (!live.poll) live.poll = setInterval(refresh, FALLBACK_POLL_MS);
  // A key refused the reads the stream announces keeps polling (what it may read, it reads).
  if (!(error && error.type === "AccessDeniedException")) live.retry = setTimeout(startLive, RECONNECT_MS);
}

function stopLive() {
  const stream = live.stream;
  live.stream = null;
  if (stream) stream.abort();
  clearInterval(live.poll);
  clearTimeout(live.retry);
  Object.assign(live, { poll: null, retry: null, state: null });
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

// The tail of one task's container output, from berth's logs path (GET /v1/tasks/ID/logs), pushed
// by berth (follow=1); read by polling only while that stream is down.
const tail = { task: null, next: 0, timer: null, lines: [], stream: null, ended: false };

function startTail(task) {
  stopTailWork();
  Object.assign(tail, { task, next: 0, lines: [], ended: false });
  $("logs").hidden = false;
  document.body.classList.add("tailing");
  $("logs-title").textContent = "Logs of task " + task.slice(0, 12);
  $("logs-text").textContent = "";
  followTail();
}

// Adds a logs reply's lines to the tail; returns whether the task has stopped with nothing left.
function showLogs(reply) {
  for (const e of reply.events || []) {
    tail.lines.push((e.container ? e.container + " " : "") + (e.stream === "stderr" ? "! " : "") + e.text.replace(/\n$/, ""));
  }
  tail.lines.splice(0, Math.max(0, tail.lines.length - LOG_LINES));
  tail.next = reply.next || tail.next;
  const stopped = reply.taskStatus === "STOPPED" && !reply.more;
  if (stopped) tail.lines.push(STOPPED_LINE);
  const pre = $("logs-text");
  const atEnd = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
  pre.textContent = tail.lines.join("\n");
  if (atEnd) pre.scrollTop = pre.scrollHeight;
  return stopped;
}

function followTail() {
  const task = tail.task;
  const stream = new AbortController();
  tail.stream = stream;
  const mine = () => task === tail.task && tail.stream === stream;
  api.followLogs(task, state.cluster, tail.next, (name, data) => {
    if (!mine()) return;
    document.body.dataset.tail = "stream";
    if (name === "logs") {
      showLogs(JSON.parse(data));
    } else if (name === "end") {
      tail.ended = true;
      // The last "logs" event said so already when it came with the end.
      if (tail.lines[tail.lines.length - 1] !== STOPPED_LINE) showLogs({ taskStatus: "STOPPED" });
    } else if (name === "error") {
      tail.ended = true;
      $("logs-text").textContent = JSON.parse(data).message;
    }
  }, stream.signal).then(() => tailDropped(mine), (e) => tailDropped(mine, e));
}

function tailDropped(mine, error) {
  if (!mine() || tail.ended) return;
  if (error) $("logs-text").textContent = error.message;
  document.body.dataset.tail = "polling";
  tail.timer = setTimeout(pollTail, LOG_POLL_MS);
}

// One read of the tail while its stream is down, then another attempt at the stream.
async function pollTail() {
  const task = tail.task;
  if (!task) return;
  try {
    const reply = await api.logs(task, state.cluster, tail.next);
    if (task !== tail.task) return;
    if (showLogs(reply)) return;
  } catch (e) {
    $("logs-text").textContent = e.message;
  }
  if (task === tail.task) followTail();
}

function stopTailWork() {
  clearTimeout(tail.timer);
  if (tail.stream) tail.stream.abort();
  tail.stream = null;
}

function stopTail() {
  stopTailWork();
  tail.task = null;
  $("logs").hidden = true;
  document.body.classList.remove("tailing");
}

function signOut(message) {
  state.signedIn = false;
  stopLive();
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
  state.signedIn = true;
  refresh();
  startLive();
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
    startLive();
  });
  window.addEventListener("hashchange", () => { state.generation++; refresh(); });
  document.addEventListener("visibilitychange", () => { if (!document.hidden && state.signedIn) refresh(); });
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
