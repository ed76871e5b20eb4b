// Docker's legacy container links on berth's bridge network, where a task's containers share one
// network namespace: a link "target[:alias]" becomes an /etc/hosts line naming the alias and the
// target at 127.0.0.1, and Docker's link variables in the linking container's environment
// (for each container port of the target's portMappings, ranges included, lowest first and tcp
// before udp, <ALIAS>_PORT_<port>_<PROTO>[_ADDR|_PORT|_PROTO], for the first <ALIAS>_PORT, and for
// a run of consecutive ports <ALIAS>_PORT_<first>_<PROTO>_START/_PORT_START/_PORT_END/_END;
// <ALIAS>_NAME=/<container>/<alias>; <ALIAS>_ENV_<name> for the target's `environment` except HOME
// and PATH, never its secrets). <ALIAS> is the alias upper-cased with '-' as '_'. Pure; thread-safe.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "model/schema.hpp"

namespace berth::agent {

// The link variables of `container_definition`'s links to other containers of `td`, in Docker's
// order (the image's and the definition's own variables win over them).
std::vector<std::pair<std::string, std::string>> link_environment(const model::Json& td,
                                                                  const model::Json& container_definition);

// The /etc/hosts lines of `container_definition`'s links ("127.0.0.1\t<alias> <target>\n" each).
std::string link_hosts_lines(const model::Json& container_definition);

}  // namespace berth::agent
