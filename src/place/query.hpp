// The ECS cluster query language (memberOf expressions, ListContainerInstances filters):
// `subject operator [argument]` joined by and/&&, or/||, not/! and parentheses. Pure; an
// Expression is immutable once parsed and thread-safe to evaluate.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"

namespace berth::place {

// What an expression can ask about a container instance.
struct InstanceFacts {
  std::string id;
  std::string ec2_instance_id;
  std::map<std::string, std::string> attributes;  // value "" for a name-only attribute
  bool agent_connected = true;
  std::string agent_version;
  EpochMs registered_at = 0;
  long long running_tasks = 0;
  std::set<std::string> task_groups;              // groups of the tasks on the instance
};

class Expression {
 public:
  struct Node;
  explicit Expression(std::shared_ptr<const Node> root) : m_root(std::move(root)) {}
  // True if `instance` satisfies the expression.
  bool matches(const InstanceFacts& instance) const;
  // True if the answer depends only on the instance's attributes and identity, not on the tasks
  // placed on it (runningTasksCount, task:group), so it can be computed once per instance.
  bool is_static() const;

 private:
  std::shared_ptr<const Node> m_root;
};

// Parses `text` (≤ 2000 characters). Errors are InvalidParameterException naming the
// character position and what was expected there.
[[nodiscard]] Result<Expression> parse_expression(std::string_view text);

// `attribute:<name> == <value>`, or `attribute:<name> exists` without a value: what a task
// definition's requiresAttributes entry asks of an instance, as a static memberOf expression.
Expression attribute_requirement(const std::string& name, const std::optional<std::string>& value);

}  // namespace berth::place
