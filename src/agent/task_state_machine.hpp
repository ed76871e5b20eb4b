// The task state machine: how a task moves from PENDING through RUNNING to STOPPED as ECS defines
// it (dependsOn START/COMPLETE/SUCCESS/HEALTHY, essential containers, startTimeout, stopTimeout
// with SIGTERM then SIGKILL, health), as functions of the task, its definition, what was observed
// of its containers and the time. It changes the task record and names the runtime actions to
// take, and does no I/O: the agent's TaskDriver executes the actions and feeds their outcomes
// back. Pure; holds no state of its own.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "model/task.hpp"
#include "runtime/runtime.hpp"

namespace berth::agent {

// Timeouts of containers whose definition sets none (ECS_CONTAINER_STOP_TIMEOUT, ..._START_...).
struct TaskDefaults {
  int stop_timeout_s = 30;
  int start_timeout_s = 180;
  std::string cgroup_parent = "/berth";  // where each task's cgroup goes (task_cgroup_of)
};

// What the driver saw of one container at the start of a pass.
struct ContainerObservation {
  runtime::ContainerStatus status;    // from the runtime (containers not yet stopped)
  std::optional<EpochMs> term_sent;   // when SIGTERM went to it, if it did
};
using Observations = std::map<std::string, ContainerObservation>;  // by container name

enum class ActionKind {
  check_secrets,    // resolve the task's secrets and registry logins once, before anything starts
  get_image,        // the image of `container`, as the pull policy says (may start a pull)
  prepare_task,     // the task's cgroup and network (`setup`), before its first container
  start_container,  // create and start `container`
  signal,           // send `signal` to `container`
  cleanup,          // remove the task's containers, cgroup, network and files
};

struct Action {
  ActionKind kind;
  std::string container;    // get_image, start_container, signal
  int signal = 0;           // signal
  runtime::TaskSetup setup;  // prepare_task
};

// What get_image came to.
struct ImageOutcome {
  enum class Kind {
    cached,        // a local image is used without pulling
    pull_started,  // a pull began (in the background)
    waiting,       // a pull is under way, or could not be queued yet: try again next pass
    pulled,        // a pull finished
    failed,        // a pull failed and no cached copy may stand in
    login_failed,  // the registry login (repositoryCredentials) could not be resolved
  };
  Kind kind = Kind::waiting;
  std::string digest;  // cached, pulled: what the container records as its image digest
  std::string error;   // failed, login_failed
};

// One pass's progress through starting a task: the machine's cursor and what the driver learned.
struct StartProgress {
  bool secrets_checked = false;
  std::size_t next = 0;               // containers before this index were dealt with this pass
  std::set<std::string> image_ready;  // containers whose image is at hand
  bool prepared = false;              // prepare_task ran this pass
};

// A stop requested by the agent (not by StopTask): records `code` and `reason` unless the task
// is already stopping.
void request_stop(model::Task& task, const std::string& code, const std::string& reason, EpochMs now);

// A container that exited and is to be restarted in place, with what it exited with.
struct Restart {
  std::string container;
  int exit_code = 0;
  EpochMs finished_at = 0;
};

// A container that exited and stays stopped.
struct Stopped {
  std::string container;
  std::string not_restarted;  // why its enabled restartPolicy did not restart it; else empty
};

struct ObserveOutcome {
  std::vector<Stopped> stopped;
  std::vector<Restart> restarts;  // still RUNNING in the record until the restart's outcome
};

// Records what the runtime reports of the task's RUNNING containers. One whose restartPolicy
// (agent/restart_policy.hpp; `restart_period_override_s` replaces its restartAttemptPeriod)
// restarts it stays RUNNING and is returned in `restarts`; the task goes on, even for an essential
// one. The others gone are STOPPED with their exit code (or why it is unknown), and an essential
// one stops the task, after which nothing of it restarts.
ObserveOutcome observe(model::Task& task, const model::Json& td, const Observations& observed,
                       std::optional<int> restart_period_override_s, EpochMs now);

// The next action that starts `task` (desired RUNNING), taking its containers in order from
// `progress.next`; nothing when the pass has nothing more to start. Decisions that need no I/O
// are recorded on the task directly: a dependency that can no longer be met or timed out stops
// the task, a container found already running (started before a crash) is adopted.
std::optional<Action> next_start_action(model::Task& task, const model::Json& td, const Observations& observed,
                                        StartProgress& progress, const TaskDefaults& defaults,
                                        std::optional<long long> pids_limit, EpochMs now);

// --- Outcomes of the actions, fed back by the driver ---
// check_secrets failed with `reason` (ECS's ResourceInitializationError text).
void stop_uninitialized(model::Task& task, const std::string& reason, EpochMs now);
void on_image(model::Task& task, const std::string& container, const ImageOutcome& outcome,
              StartProgress& progress, EpochMs now);
// The task's resources are ready (bridge: its containers get the address, and their bindings
// the host ports actually published, which for a dynamic port taken since placement is the
// one held in its place), or not, which stops it.
void on_prepared(model::Task& task, const Result<runtime::PreparedTask>& prepared, bool bridge,
                 StartProgress& progress, EpochMs now);
// The container started (host networking: its port mappings become its bindings).
void on_started(model::Task& task, const std::string& container, const model::Json& td, EpochMs now);
// The container could not be created or started (`message`: why).
void on_start_failed(model::Task& task, const std::string& container, const std::string& message, EpochMs now);
// `restart` restarted its container in place: counted, its exit kept, its health UNKNOWN again.
void on_restarted(model::Task& task, const Restart& restart, EpochMs now);
// `restart` could not restart its container (`message`: why): it stops with its exit code and
// "CannotStartContainerError: <message>", and, if essential, so does the task.
void on_restart_failed(model::Task& task, const Restart& restart, const std::string& message, EpochMs now);
// A health check of running `container` reached `status` (HEALTHY, UNHEALTHY).
void on_health(model::Task& task, const std::string& container, const std::string& status);
// After a pass's starts and health checks: a task with no container left PENDING is RUNNING;
// the task's health follows its essential containers'.
void settle_running(model::Task& task, EpochMs now);

// The actions that stop `task` (desired STOPPED), marking it STOPPING and its PENDING containers
// STOPPED: SIGTERM to each running container no running container depends on (dependents stop
// first), SIGKILL once its stopTimeout has passed since the SIGTERM; cleanup once all stopped.
std::vector<Action> stop_actions(model::Task& task, const model::Json& td, const Observations& observed,
                                 const TaskDefaults& defaults, EpochMs now);
// cleanup ran: the task is STOPPED.
void on_cleaned_up(model::Task& task, EpochMs now);

// Stops a task before (or while) its containers start: its PENDING containers are stopped with
// "CannotStartContainerError: <reason>", as the task (TaskFailedToStart).
void stop_unstarted(model::Task& task, const std::string& reason, EpochMs now);
// Records `task` and its containers stopped with `reason` at once, with no runtime action.
void record_abandoned(model::Task& task, const std::string& reason, EpochMs now);
// Whether the agent still has work to do on `task` (start its containers or stop it).
bool needs_work(const model::Task& task);
// Puts the tasks a client waits on (needs_work: a start, a stop) before those that only run,
// keeping the order within each: a pass handles every active task, and with 30 running a start
// waited on about half of them (its agent phase 3.6-4.1 ms, against 0.2 ms alone).
void order_for_pass(std::vector<model::Task>& tasks);

// The task's cgroup limits from its cpu (units, 1024 a core) and memory (MiB), the override's
// else the definition's; checked, as stored records are not trusted to hold what the API let in.
[[nodiscard]] Result<runtime::TaskLimits> task_limits(const model::Task& task, const model::Json& td);
// The container definition named `name` in `td`, or null.
const model::Json* definition_of(const model::Json& td, const std::string& name);

}  // namespace berth::agent
