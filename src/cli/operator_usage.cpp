// The help of the operator verbs: the cluster as a person at the gateway sees and changes it,
// through the daemon's unix socket or a berth's TCP listener (--endpoint). Pure data; thread-safe.
#include "cli/usage.hpp"

namespace berth::cli {
namespace {

// What every operator verb takes, after its own flags.
#define BERTH_COMMON_FLAGS                                                                       \
  "\n  --output table|json  a table for people (default) or the API's JSON for scripts\n"        \
  "  --socket PATH        the daemon's unix socket   [BERTH_SOCKET, /run/berth/berth.sock]\n"   \
  "  --cluster NAME       the cluster                [ECS_CLUSTER, default]\n"                   \
  "  --config FILE        config file (default /etc/berth/berth.conf)\n"                         \
  "  --endpoint URL       a berth's API over TCP (https://HOST:PORT, http:// to loopback) instead of\n" \
  "                       the socket, signed with AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, else the\n" \
  "                       profile's key in ~/.aws/credentials or ~/.aws/config, for --region, else\n" \
  "                       AWS_REGION, AWS_DEFAULT_REGION, the profile's region\n"                  \
  "  --profile NAME       with --endpoint: the aws CLI profile to use   [AWS_PROFILE, default]\n"    \
  "  --ca-bundle FILE     with --endpoint: the CA or certificate to trust   [AWS_CA_BUNDLE]\n"     \
  "  --fingerprint SHA256 with --endpoint: the server certificate's SHA-256 (`berth info` there)\n" \
  "IDs may be shortened to any unambiguous prefix. Colour only on a terminal, never with NO_COLOR.\n"

struct Help {
  std::string_view verb;
  std::string_view text;
};

constexpr Help k_help[] = {
    {"ps", "Usage: berth ps [--all] [--service NAME] [--quiet]\n\n"
           "Lists the cluster's tasks, newest first: short id, task definition (family:revision), status,\n"
           "health, published ports (host:port->container/protocol), when it started, group.\n"
           "  -a, --all         stopped tasks too (ECS keeps them an hour)\n"
           "  --service NAME    only the tasks of one service\n"
           "  -q, --quiet       the task ids alone\n" BERTH_COMMON_FLAGS},
    {"services", "Usage: berth services [--quiet]\n\n"
                 "Lists the cluster's services: task definition, desired, running and pending tasks, the primary\n"
                 "deployment's rollout (COMPLETED, IN_PROGRESS, FAILED; +N old while older ones drain) and the\n"
                 "latest event.\n"
                 "  -q, --quiet       the service names alone\n" BERTH_COMMON_FLAGS},
    {"instances", "Usage: berth instances\n\n"
                  "Lists the cluster's container instances (this gateway and those that joined): status, agent\n"
                  "connection, running and pending tasks, CPU units and memory reserved of registered, architecture.\n"
                  BERTH_COMMON_FLAGS},
    {"schedules", "Usage: berth schedules [--group NAME]\n\n"
                  "Lists the EventBridge Scheduler schedules: group, state, expression, the next run and what the\n"
                  "last run did.\n" BERTH_COMMON_FLAGS},
    {"events", "Usage: berth events [SERVICE] [--follow]\n\n"
               "Shows the services' events (tasks started and stopped, steady states, deployments, placement\n"
               "failures), oldest first, of one service or all. --follow keeps printing new ones until Ctrl-C.\n"
               BERTH_COMMON_FLAGS},
    {"describe", "Usage: berth describe ARN|ID|NAME\n\n"
                 "Shows one task, service, task definition (family or family:revision), container instance or\n"
                 "schedule, found by ARN, id, name or a prefix of one; times in UTC with their age.\n"
                 BERTH_COMMON_FLAGS},
    {"run", "Usage: berth run IMAGE [--name N] [-p HOST:CONTAINER]... [-e K=V]... [--memory M] [--wait]\n"
            "                 [--timeout 10m] [-- COMMAND [ARG...]]\n\n"
            "Runs IMAGE as a task on bridge networking and prints its id. The task definition (family N, or\n"
            "the image's name) is registered once and reused while the same words are given again.\n"
            "  -p, --publish HOST:CONTAINER[/udp]  publish a port; HOST 0 picks a free one (see berth ps)\n"
            "  -e, --env NAME=VALUE                set a variable\n"
            "  --memory M                          hard memory limit: 64m, 1g (default 128m)\n"
            "  --wait                              follow the task until RUNNING (its ports are printed) or\n"
            "                                      STOPPED (why is printed; exit 1), for at most --timeout\n"
            BERTH_COMMON_FLAGS},
    {"stop", "Usage: berth stop ID [--reason TEXT]\n\n"
             "Stops a task: SIGTERM, then SIGKILL after its stop timeout. A service replaces its tasks.\n"
             BERTH_COMMON_FLAGS},
    {"scale", "Usage: berth scale SERVICE N\n\n"
              "Sets a service's desired count to N (0 to 100000); `berth wait services-stable SERVICE`\n"
              "follows it.\n" BERTH_COMMON_FLAGS},
    {"deploy", "Usage: berth deploy SERVICE [--image IMG] [--container NAME] [--timeout 10m] [--no-wait]\n\n"
               "Registers the service's next revision (its current task definition, with IMG for the container\n"
               "NAME, or the only or only essential one) and rolls the service out to it within its\n"
               "minimumHealthyPercent and maximumPercent, showing the progress and events live. Exits 0 when the\n"
               "rollout completes; 1 when it fails, the circuit breaker rolls it back or --timeout passes.\n"
               BERTH_COMMON_FLAGS},
    {"wait", "Usage: berth wait services-stable SERVICE [--timeout 10m]\n\n"
             "Waits, showing progress, until the service has one deployment and as many running tasks as\n"
             "desired; exits 1 when its deployment fails or --timeout passes.\n" BERTH_COMMON_FLAGS},
    {"completion", "Usage: berth completion bash|zsh\n\n"
                   "Prints a completion script for the shell: source <(berth completion bash), or save it as\n"
                   "/etc/bash_completion.d/berth. Task ids and service names are asked of the daemon.\n"},
};

#undef BERTH_COMMON_FLAGS

}  // namespace

std::string_view operator_verb_usage(std::string_view verb) {
  for (const Help& help : k_help) {
    if (help.verb == verb) return help.text;
  }
  return "";
}

}  // namespace berth::cli
