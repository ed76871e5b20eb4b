#include "cli/usage.hpp"

#include "common/platform.hpp"

#ifndef BERTH_VERSION
#define BERTH_VERSION "0.0.0-dev"
#endif

namespace berth::cli {

std::string_view overview_usage() {
  return R"(berth: an ECS-compatible container orchestrator for edge gateways

Usage: berth <verb> [flags]

Verbs:
  serve     run the daemon: the ECS API, its state and the local agent
  ps        list tasks: id, task definition, status, health, ports, started, group
  services  list services: desired/running/pending, rollout, last event
  instances list container instances: status, agent, tasks, CPU and memory reserved
  schedules list schedules with their next and last runs
  events    show services' events (berth events [SERVICE] [--follow])
  describe  show a task, service, task definition, instance or schedule (berth describe ID)
  run       run an image as a task (berth run IMAGE [-p HOST:CONTAINER] [-e K=V] -- CMD)
  stop      stop a task (berth stop ID)
  scale     set a service's desired count (berth scale SERVICE N)
  deploy    roll a service out to a new revision, following it (berth deploy SERVICE --image IMG)
  wait      wait until a service is stable (berth wait services-stable SERVICE)
  completion  print bash or zsh completion (source <(berth completion bash))
  image     pull, import, list and remove local images (berth image pull NAME)
  logs      show a task's container output (berth logs TASK [CONTAINER] [--follow])
  stats     show the running containers' CPU, memory, network and I/O (berth stats [TASK])
  attach    connect this terminal to a running container (berth attach TASK CONTAINER)
  exec      run a command in a running container (berth exec [-t] [-i] TASK [CONTAINER] -- CMD)
  key       create, list and delete API access keys (berth key create NAME --policy admin)
  join-token  make a one-time token another gateway joins this cluster with
  peers     list, add and remove the servers of a replicated control plane (berth-with-engine)
  info      print the version, cluster, instance, resources, data dir, API addresses and TLS
  doctor    check this host can run tasks (kernel, cgroups, runc, CNI, ...), with fixes
  version   print the version and architecture
  help      show help for a verb (berth help serve)

Every verb takes --help. The API speaks ECS JSON 1.1, so the aws CLI works against it, signed
with the admin key the first start wrote:
  AWS_SHARED_CREDENTIALS_FILE=/var/lib/berth/credentials AWS_PROFILE=berth \
    aws ecs list-clusters --endpoint-url http://127.0.0.1:51678
Beyond loopback it speaks TLS; add the certificate `berth info` names:
  ... --endpoint-url https://GATEWAY:51678 --ca-bundle /var/lib/berth/tls/cert.pem
)";
}

std::string_view verb_usage(std::string_view verb) {
  if (verb == "serve") {
    return R"(Usage: berth serve [flags]

Runs the ECS API over TCP and a unix socket, keeping state in SQLite under the data directory.
Configuration comes from the config file (KEY=VALUE, ecs.config style); flags override it.

Flags:
  --config FILE     config file (default /etc/berth/berth.conf; need not exist)
  --data-dir DIR    state directory, holds berth.db       [ECS_DATADIR, /var/lib/berth]
  --run-dir DIR     runtime files                         [BERTH_RUN_DIR, /run/berth]
  --listen H:P      TCP address; port 0 picks a free one  [BERTH_LISTEN, 127.0.0.1:51678]
  --socket PATH     unix socket, mode 0660; "" for none   [BERTH_SOCKET, /run/berth/berth.sock]
  --cluster NAME    the cluster this gateway serves       [ECS_CLUSTER, default]
  --region NAME     region in ARNs                        [BERTH_REGION, local]
  --account ID      account in ARNs                       [BERTH_ACCOUNT_ID, 000000000000]
  --log-level L     debug, info, warn or error            [BERTH_LOG_LEVEL, info]
  --tls MODE        auto: TLS iff listening beyond loopback; on; off   [BERTH_TLS, auto]
  --tls-cert FILE   PEM certificate chain for TLS         [BERTH_TLS_CERT, generated]
  --tls-key FILE    PEM private key for TLS               [BERTH_TLS_KEY, generated]
  --join URL        join the cluster served at URL (https://SERVER:PORT) and run only
                    the agent, as one of its container instances               [BERTH_JOIN]
  --join-token T    the token `berth join-token create` printed on the server (first start
                    only: the key it turns into is kept in DATA-DIR/join.json) [BERTH_JOIN_TOKEN]
  --join-fingerprint SHA256   the server certificate's SHA-256 (`berth info` on the server)
                                                                        [BERTH_JOIN_FINGERPRINT]
  --join-ca FILE    or: PEM CA certificates the server's certificate chains to   [BERTH_JOIN_CA]
  --peers A,B,C     be one server of a replicated control plane: the servers' dqlite nodes
                    (IPV4:PORT each, the first founds the cluster); berth-with-engine only
                                                                        [BERTH_PEERS]
  --peer-address A  which of them is this server (a new server not among them joins them)
                                                                        [BERTH_PEER_ADDRESS]

Without --tls-cert, a self-signed ECDSA P-256 certificate for this host's names is generated at
the first start with TLS on and kept in DATA-DIR/tls/; `berth info` prints its fingerprint.

SIGTERM or SIGINT stops the API after the requests in flight are answered.
)";
  }
  if (verb == "image") {
    return R"(Usage: berth image pull NAME | import FILE | ls | rm NAME [--data-dir DIR] [--config FILE]

  pull NAME     pull from a registry (OCI distribution over https; digests verified, broken
                downloads resumed; credentials from ECS_ENGINE_AUTH_TYPE/ECS_ENGINE_AUTH_DATA;
                plain http only for loopback and BERTH_INSECURE_REGISTRIES)
  import FILE   import a `docker save` archive or an OCI image-layout tarball (plain, gzip or zstd
                layers); paths and links that leave the image are refused
  ls            list the images on this gateway
  rm NAME       remove an image; refused while a task that has not stopped uses it
)";
  }
  if (verb == "logs") {
    return R"(Usage: berth logs TASK [CONTAINER] [--follow] [--timestamps] [--details] [--socket PATH] [--endpoint URL]

Shows the output of a task's containers (TASK = task id, prefix or ARN), read from the daemon over its
unix socket. --follow keeps printing until the task stops. --details puts a json-file container's attrs
(its labels/env/tag log options' picks) before each line, as `docker logs --details`: k=v,k=v and a space.
  --endpoint URL        a berth's API over TCP instead (https://HOST:PORT, http:// to loopback),
                        signed with the key the aws CLI would use (AWS_ACCESS_KEY_ID, ~/.aws/credentials,
                        ~/.aws/config)
  --profile NAME        with --endpoint: the aws CLI profile to use   [AWS_PROFILE, default]
  --ca-bundle FILE      with --endpoint: the CA or certificate to trust   [AWS_CA_BUNDLE]
  --fingerprint SHA256  with --endpoint: the server certificate's SHA-256 (`berth info` there)
)";
  }
  if (verb == "stats") {
    return R"(Usage: berth stats [TASK] [--no-stream] [--socket PATH] [--endpoint URL]

Shows the CPU %, memory (working set / limit), network and block I/O and pids of the running
containers on this gateway (of one task with TASK = task id, prefix or ARN), read from the daemon over
its unix socket, redrawn each second until Ctrl-C. --no-stream prints the table once.
CPU % is Docker's: 100 % is one busy core. Readings come every BERTH_METRICS_INTERVAL seconds.
  --endpoint URL        a berth's API over TCP instead (https://HOST:PORT, http:// to loopback),
                        signed as the aws CLI would sign (its key needs berth:GetMetrics)
  --ca-bundle FILE      with --endpoint: the CA or certificate to trust   [AWS_CA_BUNDLE]
  --fingerprint SHA256  with --endpoint: the server certificate's SHA-256 (`berth info` there)
  --profile NAME        with --endpoint: the aws CLI profile to use   [AWS_PROFILE, default]
)";
  }
  if (verb == "attach") {
    return R"(Usage: berth attach TASK CONTAINER [--run-dir DIR] [--config FILE]

Connects to a running container of a task on this gateway (TASK = task id or ARN): its live
output is printed here and this process's input goes to its stdin when the container definition
has "interactive": true (otherwise input is dropped). A container with "pseudoTerminal": true
has a terminal; its output arrives as one stream. Ctrl-C detaches and leaves the container
running; when the container ends, attach exits with its exit code. Talks to the container's
monitor directly (root only), so it needs no daemon and works across berth's restarts.
)";
  }
  if (verb == "exec") {
    return R"(Usage: berth exec [-t] [-i] TASK [CONTAINER] [--socket PATH] [--config FILE] [--endpoint URL] -- COMMAND [ARG...]

Runs COMMAND in a running container of a task on this gateway (TASK = task id, prefix or ARN) with the
container's user, environment and working directory, and exits with the command's status.
CONTAINER may be left out when the task has one container, or one essential container.
  -i, --interactive   pass this process's input to the command (otherwise it reads nothing)
  -t, --tty           give the command a terminal (this process must have one)
Asks the daemon over its unix socket (root or the socket's group; berth:ExecuteCommand). When
no daemon answers, root falls back to running `runc exec` itself (CONTAINER then required).
  --endpoint URL        a berth's TLS listener instead (https://HOST:PORT only), the session
                        signed as the aws CLI would sign; the key needs berth:ExecuteCommand
  --ca-bundle FILE      with --endpoint: the CA or certificate to trust   [AWS_CA_BUNDLE]
  --fingerprint SHA256  with --endpoint: the server certificate's SHA-256 (`berth info` there)
  --profile NAME        with --endpoint: the aws CLI profile to use   [AWS_PROFILE, default]
)";
  }
  if (verb == "key") {
    return R"(Usage: berth key create NAME [--policy admin|read-only|FILE]
       berth key ls [NAME]
       berth key rm ACCESS_KEY_ID

API access keys for signing requests (AWS SigV4) to the TCP listener. `create` prints the new
key once, in the AWS shared-credentials format; its policy is a built-in one (read-only by
default: Describe, List and Get) or an IAM policy document in FILE. Create a second key before
removing the first to rotate. Talks to the daemon over its unix socket (--socket PATH).
)";
  }
  if (verb == "peers") {
    return R"(Usage: berth peers list | add ADDR | remove ADDR [--peers A,B,C] [--config FILE]

The servers of a replicated control plane (`berth serve --peers`), asked of its leader among the
servers BERTH_PEERS (or --peers) names. Only berth-with-engine has it.
  list          the members: node id, address, role (voter, standby, spare), which one leads
  add ADDR      make the member at ADDR a voter. A new server becomes a member by itself when it
                starts with `berth serve --peers SERVERS --peer-address ADDR` (SERVERS: the
                running ones) and a copy of their DATA-DIR/secrets.key
  remove ADDR   take the member at ADDR out of the cluster; stop that server first (started
                again with --peers, it would join again)
)";
  }
  if (verb == "join-token") {
    return R"(Usage: berth join-token create [--ttl DURATION] [--cluster NAME]

Makes a one-time token with which another gateway joins this gateway's cluster (NAME, default the
gateway's own) as a container instance (BerthCluster.JoinCluster). DURATION: 90s, 15m, 24h, 7d
(default 24h, at most 30d). Only the token's SHA-256 is stored; it is printed once, alone on
stdout. Talks to the daemon over its unix socket (--socket PATH).
)";
  }
  if (verb == "info") {
    return R"(Usage: berth info [--config FILE] [--data-dir DIR] [--listen H:P] [--tls MODE] [--output json] ...

Prints the version, the cluster, the data directory, the API's TCP address and unix socket, the
TLS mode, the TLS certificate's path and SHA-256 fingerprint (to pin it: aws --ca-bundle PATH)
and the credentials file, from the configuration and the files; no daemon needed. When the
daemon answers on its socket, also the cluster's container instances and the CPU and memory
their tasks reserve of what they registered.
  --output json         the same as one JSON object (dataDir, listen, ..., containerInstances)
  --endpoint URL        ask a berth's API over TCP instead: the version, cluster and instances
                        (its files are not read here); signed as the aws CLI would sign
  --ca-bundle FILE      with --endpoint: the CA or certificate to trust   [AWS_CA_BUNDLE]
  --fingerprint SHA256  with --endpoint: the server certificate's SHA-256
  --profile NAME        with --endpoint: the aws CLI profile to use   [AWS_PROFILE, default]
)";
  }
  if (verb == "doctor") {
    return R"(Usage: berth doctor [--config FILE] [--data-dir DIR] [--run-dir DIR]

Checks whether this host can run berth's tasks and prints one line per check: ok, warn or FAIL,
what was found, and for a problem its fix. Checks: running as root, the kernel version, cgroups
(v2 controllers cpu, memory, pids, or the v1 hierarchies), namespaces, overlayfs, runc, the CNI
plugins (bridge, host-local, portmap, loopback in BERTH_CNI_PATH, default /usr/lib/cni),
iptables, seccomp, the data and run directories (writable; a data dir on tmpfs loses state at
reboot) and available memory. Starts no container and needs no daemon.
Exits 0 when nothing FAILed (warnings allowed), 1 otherwise.
)";
  }
  if (verb == "version") {
    return "Usage: berth version\n\nPrints berth's version and the architecture it was built for.\n";
  }
  if (verb == "help") {
    return "Usage: berth help [verb]\n\nShows the overview, or the help of one verb.\n";
  }
  return operator_verb_usage(verb);
}

std::string version_line() {
  return std::string("berth ") + BERTH_VERSION + " (" + ecs_architecture() + ")";
}

}  // namespace berth::cli
