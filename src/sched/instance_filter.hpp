// A cluster query language filter over container instances (ListContainerInstances' filter),
// for svc, which reaches the placement engine only through sched/. Immutable once parsed;
// thread-safe.
#pragma once

#include <string_view>

#include "common/result.hpp"
#include "model/cluster_snapshot.hpp"
#include "place/query.hpp"
#include "sched/task_placement.hpp"

namespace berth::sched {

class InstanceFilter {
 public:
  // Parses `text`; InvalidParameterException as place::parse_expression words it.
  [[nodiscard]] static Result<InstanceFilter> parse(std::string_view text) {
    BERTH_ASSIGN(auto expression, place::parse_expression(text));
    return InstanceFilter(std::move(expression));
  }
  // True if `instance` (with what its tasks hold) satisfies the filter.
  bool matches(const model::InstanceState& instance) const { return m_expression.matches(facts_of(instance)); }

 private:
  explicit InstanceFilter(place::Expression expression) : m_expression(std::move(expression)) {}
  place::Expression m_expression;
};

}  // namespace berth::sched
