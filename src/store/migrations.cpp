#include "store/migrations.hpp"

#include <array>
#include <string_view>

namespace berth::store {
namespace {

// Migration N (1-based) is k_migrations[N-1]. Never edit a shipped entry: append a new one.
constexpr std::array<std::string_view, 17> k_migrations = {
    R"sql(
CREATE TABLE clusters(
  name TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  settings TEXT NOT NULL,
  capacity TEXT NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;

-- Revisions only ever increase, even after every revision of a family is deleted.
CREATE TABLE task_definition_families(
  family TEXT PRIMARY KEY,
  last_revision INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE task_definitions(
  family TEXT NOT NULL,
  revision INTEGER NOT NULL,
  status TEXT NOT NULL,
  body TEXT NOT NULL,
  registered_at INTEGER NOT NULL,
  deregistered_at INTEGER,
  PRIMARY KEY(family, revision)
) WITHOUT ROWID;
CREATE INDEX task_definitions_by_status ON task_definitions(status, family, revision);

CREATE TABLE tags(
  resource_arn TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY(resource_arn, key)
) WITHOUT ROWID;

CREATE TABLE container_instances(
  id TEXT PRIMARY KEY,
  cluster TEXT NOT NULL REFERENCES clusters(name),
  status TEXT NOT NULL,
  body TEXT NOT NULL,
  registered_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX container_instances_by_cluster ON container_instances(cluster, status);

CREATE TABLE services(
  cluster TEXT NOT NULL REFERENCES clusters(name),
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY(cluster, name)
) WITHOUT ROWID;

CREATE TABLE tasks(
  id TEXT PRIMARY KEY,
  cluster TEXT NOT NULL REFERENCES clusters(name),
  desired_status TEXT NOT NULL,
  last_status TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX tasks_by_cluster ON tasks(cluster, last_status);
)sql",
    // 2: tasks carry the columns ListTasks and the agent query by.
    R"sql(
ALTER TABLE tasks ADD COLUMN container_instance TEXT NOT NULL DEFAULT '';
ALTER TABLE tasks ADD COLUMN family TEXT NOT NULL DEFAULT '';
ALTER TABLE tasks ADD COLUMN started_by TEXT NOT NULL DEFAULT '';
ALTER TABLE tasks ADD COLUMN group_name TEXT NOT NULL DEFAULT '';
ALTER TABLE tasks ADD COLUMN stopped_at INTEGER;
CREATE INDEX tasks_by_instance ON tasks(container_instance, last_status);
)sql",
    // 3: scheduled tasks (EventBridge Scheduler shapes).
    R"sql(
CREATE TABLE schedules(
  group_name TEXT NOT NULL,
  name TEXT NOT NULL,
  state TEXT NOT NULL,
  next_fire INTEGER,
  body TEXT NOT NULL,
  PRIMARY KEY(group_name, name)
) WITHOUT ROWID;
CREATE INDEX schedules_by_next_fire ON schedules(next_fire) WHERE next_fire IS NOT NULL;
)sql",
    // 4: API access keys (SigV4) and the policy each one carries.
    R"sql(
CREATE TABLE access_keys(
  access_key_id TEXT PRIMARY KEY,
  user_name TEXT NOT NULL,
  secret TEXT NOT NULL,
  policy_name TEXT NOT NULL,
  policy_document TEXT NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX access_keys_by_user ON access_keys(user_name);
)sql",
    // 5: Secrets Manager secrets and SSM parameters. Values exist only as sealed bytes (base64),
    // bound to their ARN and version; names, descriptions and tags are plain text.
    R"sql(
CREATE TABLE secrets(
  name TEXT PRIMARY KEY,
  arn TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL,
  kms_key_id TEXT NOT NULL,
  tags TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  changed_at INTEGER NOT NULL,
  deletion_date INTEGER
) WITHOUT ROWID;

CREATE TABLE secret_versions(
  secret_name TEXT NOT NULL REFERENCES secrets(name) ON DELETE CASCADE,
  version_id TEXT NOT NULL,
  stage TEXT NOT NULL,
  is_binary INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  sealed TEXT NOT NULL,
  PRIMARY KEY(secret_name, version_id)
) WITHOUT ROWID;

CREATE TABLE parameters(
  name TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  description TEXT NOT NULL,
  tier TEXT NOT NULL,
  data_type TEXT NOT NULL,
  version INTEGER NOT NULL,
  modified_at INTEGER NOT NULL,
  tags TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE parameter_versions(
  name TEXT NOT NULL REFERENCES parameters(name) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  type TEXT NOT NULL,
  description TEXT NOT NULL,
  modified_at INTEGER NOT NULL,
  sealed TEXT NOT NULL,
  PRIMARY KEY(name, version)
) WITHOUT ROWID;
)sql",
    // 6: task scale-in protection (UpdateTaskProtection): until when (ms) a task is protected,
    // NULL = not protected. A lapsed time stays as written; readers compare it with the clock.
    R"sql(
ALTER TABLE tasks ADD COLUMN protected_until INTEGER;
)sql",
    // 7: CloudWatch metric alarms (PutMetricAlarm): the definition only; the state is evaluated
    // from the in-memory series when read and never written.
    R"sql(
CREATE TABLE metric_alarms(
  name TEXT PRIMARY KEY,
  definition TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
    // 8: Application Auto Scaling: scalable targets (ECS services) with their policies, scheduled
    // actions and recent scaling activities, all dropped with the target. Bodies are JSON records.
    R"sql(
CREATE TABLE scalable_targets(
  resource_id TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  body TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE scaling_policies(
  resource_id TEXT NOT NULL REFERENCES scalable_targets(resource_id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY(resource_id, name)
) WITHOUT ROWID;

CREATE TABLE scheduled_scaling_actions(
  resource_id TEXT NOT NULL REFERENCES scalable_targets(resource_id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  next_fire INTEGER,
  version INTEGER NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY(resource_id, name)
) WITHOUT ROWID;
CREATE INDEX scheduled_scaling_actions_next_fire ON scheduled_scaling_actions(next_fire);

CREATE TABLE scaling_activities(
  sequence INTEGER PRIMARY KEY,
  resource_id TEXT NOT NULL REFERENCES scalable_targets(resource_id) ON DELETE CASCADE,
  activity_id TEXT NOT NULL UNIQUE,
  body TEXT NOT NULL
);
CREATE INDEX scaling_activities_target ON scaling_activities(resource_id, sequence);
)sql",
    // 9: ECS account settings (PutAccountSetting, PutAccountSettingDefault) each principal set;
    // a setting nobody set has no row (ECS's default applies).
    R"sql(
CREATE TABLE account_settings(
  principal_arn TEXT NOT NULL,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY(principal_arn, name)
) WITHOUT ROWID;
)sql",
    // 10: capacity providers (CreateCapacityProvider): the Auto Scaling group providers made here;
    // FARGATE and FARGATE_SPOT are built in and never stored.
    R"sql(
CREATE TABLE capacity_providers(
  name TEXT PRIMARY KEY,
  body TEXT NOT NULL
) WITHOUT ROWID;
)sql",
    // 11: ECS daemons: what the Daemon API shows (revisions, deployments); each runs as a DAEMON
    // service named "daemon:<name>".
    R"sql(
CREATE TABLE daemons(
  cluster TEXT NOT NULL REFERENCES clusters(name),
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY(cluster, name)
) WITHOUT ROWID;
)sql",
    // 12: EventBridge Scheduler schedule groups; `default` exists from the start, dated by this
    // migration. Their tags and those of schedules live in `tags` ("schedule-group/NAME",
    // "schedule/GROUP/NAME").
    R"sql(
CREATE TABLE schedule_groups(
  name TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL,
  modified_at INTEGER NOT NULL
);
INSERT INTO schedule_groups(name, created_at, modified_at)
  VALUES('default', CAST(strftime('%s', 'now') AS INTEGER) * 1000, CAST(strftime('%s', 'now') AS INTEGER) * 1000);
)sql",
    // 13: join tokens for clusters of gateways: only each token's SHA-256 is kept.
    R"sql(
CREATE TABLE join_tokens(
  hash TEXT PRIMARY KEY,
  cluster TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER,
  instance_id TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
)sql",
    // 14: Cloud Map (servicediscovery): namespaces, their services, custom instances registered
    // by RegisterInstance (ECS services' tasks are derived from the tasks table, not stored), and
    // the operations the asynchronous calls answered with (the newest 1000 are kept).
    R"sql(
CREATE TABLE sd_namespaces(
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL COLLATE NOCASE UNIQUE,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE sd_services(
  id TEXT PRIMARY KEY,
  namespace_id TEXT NOT NULL REFERENCES sd_namespaces(id),
  name TEXT NOT NULL COLLATE NOCASE,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE(namespace_id, name)
) WITHOUT ROWID;
CREATE TABLE sd_instances(
  service_id TEXT NOT NULL REFERENCES sd_services(id),
  id TEXT NOT NULL,
  creator_request_id TEXT NOT NULL,
  attributes TEXT NOT NULL,
  PRIMARY KEY(service_id, id)
) WITHOUT ROWID;
CREATE TABLE sd_operations(
  id TEXT PRIMARY KEY,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
)sql",
    // 15: Elastic Load Balancing v2: load balancers, target groups, listeners, rules and the
    // targets registered by hand, each a JSON document under its ARN (a target under
    // "<target group ARN> <id>:<port>"). Few rows, read whole: no columns to query by.
    R"sql(
CREATE TABLE elb_objects(
  key TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  body TEXT NOT NULL
) WITHOUT ROWID;
)sql",
    // 16: the scheduler leadership of a replicated control plane (store/scheduler_leadership.cpp):
    // one row. `term` grows with each new holder and fences the holder's plans; `renewals` grows
    // with each renewal, so that a candidate sees a live holder's row change; `holder` is a
    // server's id ("" when nobody holds it).
    R"sql(
CREATE TABLE scheduler_leadership(
  id INTEGER PRIMARY KEY CHECK (id = 1),
  term INTEGER NOT NULL,
  holder TEXT NOT NULL,
  renewals INTEGER NOT NULL
);
INSERT INTO scheduler_leadership(id, term, holder, renewals) VALUES (1, 0, '', 0);
)sql",
    // 17: the tasks a deployment or task set started, by cluster: its pinned digests and the
    // service scheduler's stopped tasks of the primaries looked up every task of the cluster
    // without it (a replacement's scheduling 28 ms with 2,000 stopped tasks kept). No update sets
    // either column, so only a task's insert writes the index (one page of WAL more).
    R"sql(
CREATE INDEX tasks_by_started_by ON tasks(cluster, started_by);
)sql",
};

Result<int> read_version(Db& db) {
  Stmt stmt(db, "PRAGMA user_version");
  auto row = stmt.step();
  if (!row) return std::unexpected(row.error());
  return static_cast<int>(stmt.integer(0));
}

}  // namespace

int latest_schema_version() { return static_cast<int>(k_migrations.size()); }

Result<void> migrate(Db& db) {
  auto version = read_version(db);
  if (!version) return std::unexpected(version.error());
  if (*version > latest_schema_version()) {
    return fail(Code::server, "the database has schema version " + std::to_string(*version) +
                                  " but this berth knows only up to " +
                                  std::to_string(latest_schema_version()) +
                                  "; run a newer berth or restore a backup");
  }
  for (int next = *version + 1; next <= latest_schema_version(); ++next) {
    Tx tx(db);
    if (auto ok = tx.begun(); !ok) return ok;
    if (auto ok = db.exec(k_migrations[next - 1]); !ok) {
      return std::unexpected(ok.error().wrap("migration " + std::to_string(next)));
    }
    if (auto ok = db.exec("PRAGMA user_version=" + std::to_string(next)); !ok) return ok;
    if (auto ok = tx.commit(); !ok) return ok;
  }
  return {};
}

}  // namespace berth::store
