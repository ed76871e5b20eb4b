#include "place/engine.hpp"

#include <algorithm>
#include <limits>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace berth::place {
namespace {

// Returns the first reason `node` cannot take `ask`, or "" if it can, in ECS's pipeline order:
// the agent, then resources, then constraints.
std::string rejection(const NodeState& node, const TaskAsk& ask) {
  if (!node.active) return "AGENT";
  if (node.cpu_used + ask.cpu > node.cpu_total) return "RESOURCE:CPU";
  if (node.memory_used + ask.memory > node.memory_total) return "RESOURCE:MEMORY";
  for (int p : ask.tcp_ports) {
    if (node.tcp_in_use.contains(p)) return "RESOURCE:PORTS";
  }
  for (int p : ask.udp_ports) {
    if (node.udp_in_use.contains(p)) return "RESOURCE:PORTS_UDP";
  }
  if (ask.gpus > 0 && node.free_gpus.size() < static_cast<std::size_t>(ask.gpus)) return "RESOURCE:GPU";
  const auto group = node.group_tasks.find(ask.group);
  if (ask.distinct_instance && group != node.group_tasks.end() && group->second > 0) return "ATTRIBUTE";
  for (const auto& expression : ask.member_of) {
    if (!expression.matches(node.facts)) return "ATTRIBUTE";
  }
  return "";
}

// Lower is better.
std::vector<double> scores(const std::vector<NodeState>& nodes, const std::vector<std::size_t>& candidates,
                           const TaskAsk& ask, const Strategy& strategy, std::mt19937_64& rng) {
  std::vector<double> out;
  if (strategy.type == StrategyType::binpack) {
    for (auto i : candidates) {
      const auto& n = nodes[i];
      out.push_back(strategy.field == "cpu" ? double(n.cpu_total - n.cpu_used - ask.cpu)
                                            : double(n.memory_total - n.memory_used - ask.memory));
    }
  } else if (strategy.type == StrategyType::spread) {
    // Tasks of the group per value, across every node (not only the candidates).
    const std::string attribute = strategy.field.starts_with("attribute:") ? strategy.field.substr(10) : "";
    std::unordered_map<std::string_view, int> per_value;
    for (const auto& n : nodes) {
      const auto it = n.group_tasks.find(ask.group);
      per_value[spread_value(n, strategy.field, attribute)] += it == n.group_tasks.end() ? 0 : it->second;
    }
    for (auto i : candidates) out.push_back(per_value[spread_value(nodes[i], strategy.field, attribute)]);
  } else {
    std::uniform_real_distribution<double> uniform(0, 1);
    for (std::size_t k = 0; k < candidates.size(); ++k) out.push_back(uniform(rng));
  }
  return out;
}

}  // namespace

std::string_view spread_value(const NodeState& node, const std::string& field, const std::string& attribute) {
  if (field == "instanceId" || field == "host") return node.facts.id;
  const auto it = node.facts.attributes.find(attribute);
  return it == node.facts.attributes.end() ? std::string_view() : std::string_view(it->second);
}

Result<void> check_strategies(const std::vector<Strategy>& strategies) {
  if (strategies.size() > 5) return fail(Code::invalid_parameter, "At most 5 placement strategies are allowed.");
  for (const auto& s : strategies) {
    switch (s.type) {
      case StrategyType::random:
        if (!s.field.empty()) return fail(Code::invalid_parameter, "The random strategy takes no field.");
        break;
      case StrategyType::binpack:
        if (s.field != "cpu" && s.field != "memory") {
          return fail(Code::invalid_parameter, "binpack takes the field cpu or memory, not '" + s.field + "'.");
        }
        break;
      case StrategyType::spread:
        if (s.field != "instanceId" && s.field != "host" && !(s.field.starts_with("attribute:") && s.field.size() > 10)) {
          return fail(Code::invalid_parameter, "spread takes instanceId, host or attribute:<name>, not '" + s.field + "'.");
        }
        break;
    }
  }
  return {};
}

namespace {

// The ranking half of a choice: strategies in order over the feasible `candidates`.
Decision rank(const std::vector<NodeState>& nodes, std::vector<std::size_t> candidates, Decision decision,
              const TaskAsk& ask, const std::vector<Strategy>& strategies, std::mt19937_64& rng);

}  // namespace

Decision choose(const std::vector<NodeState>& nodes, const TaskAsk& ask, const std::vector<Strategy>& strategies,
                std::mt19937_64& rng) {
  Decision decision;
  std::vector<std::size_t> candidates;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const std::string reason = rejection(nodes[i], ask);
    if (reason.empty()) candidates.push_back(i);
    else decision.rejections[i] = reason;
  }
  return rank(nodes, std::move(candidates), std::move(decision), ask, strategies, rng);
}

Placer::Placer(std::vector<NodeState>& nodes, TaskAsk ask, std::vector<Strategy> strategies, std::mt19937_64& rng)
    : m_nodes(nodes), m_ask(std::move(ask)), m_strategies(std::move(strategies)), m_rng(rng),
      m_static_ok(nodes.size(), -1) {
  std::vector<Expression> dynamic;
  for (auto& e : m_ask.member_of) (e.is_static() ? m_static_constraints : dynamic).push_back(std::move(e));
  m_ask.member_of = std::move(dynamic);
  for (const auto& strategy : m_strategies) {
    std::vector<int> bucket_of(nodes.size(), 0);
    std::vector<int> bucket_tasks;
    if (strategy.type == StrategyType::spread) {
      const std::string attribute = strategy.field.starts_with("attribute:") ? strategy.field.substr(10) : "";
      std::unordered_map<std::string_view, int> index;
      for (std::size_t i = 0; i < nodes.size(); ++i) {
        const auto [it, added] = index.emplace(spread_value(nodes[i], strategy.field, attribute), static_cast<int>(index.size()));
        if (added) bucket_tasks.push_back(0);
        bucket_of[i] = it->second;
        const auto tasks = nodes[i].group_tasks.find(m_ask.group);
        bucket_tasks[static_cast<std::size_t>(it->second)] += tasks == nodes[i].group_tasks.end() ? 0 : tasks->second;
      }
    }
    m_bucket_of.push_back(std::move(bucket_of));
    m_bucket_tasks.push_back(std::move(bucket_tasks));
  }
}

Decision Placer::place_one() {
  Decision decision;
  std::vector<std::size_t> candidates;
  for (std::size_t i = 0; i < m_nodes.size(); ++i) {
    std::string reason = rejection(m_nodes[i], m_ask);
    if (reason.empty()) {
      if (m_static_ok[i] < 0) {
        m_static_ok[i] = std::all_of(m_static_constraints.begin(), m_static_constraints.end(),
                                     [&](const Expression& e) { return e.matches(m_nodes[i].facts); });
      }
      if (!m_static_ok[i]) reason = "ATTRIBUTE";
    }
    if (reason.empty()) candidates.push_back(i);
    else decision.rejections[i] = std::move(reason);
  }
  for (std::size_t k = 0; k < m_strategies.size() && candidates.size() > 1; ++k) {
    std::vector<double> s;
    if (m_strategies[k].type == StrategyType::spread) {
      for (auto i : candidates) s.push_back(m_bucket_tasks[k][static_cast<std::size_t>(m_bucket_of[k][i])]);
    } else {
      s = scores(m_nodes, candidates, m_ask, m_strategies[k], m_rng);
    }
    const double best = *std::min_element(s.begin(), s.end());
    std::vector<std::size_t> kept;
    for (std::size_t c = 0; c < candidates.size(); ++c) {
      if (s[c] == best) kept.push_back(candidates[c]);
    }
    candidates = std::move(kept);
  }
  decision = rank(m_nodes, std::move(candidates), std::move(decision), m_ask, {}, m_rng);
  if (decision.node) {
    decision.gpu_ids = commit(m_nodes[*decision.node], m_ask);
    for (std::size_t k = 0; k < m_strategies.size(); ++k) {
      if (m_strategies[k].type == StrategyType::spread) m_bucket_tasks[k][static_cast<std::size_t>(m_bucket_of[k][*decision.node])] += 1;
    }
  }
  return decision;
}

namespace {

Decision rank(const std::vector<NodeState>& nodes, std::vector<std::size_t> candidates, Decision decision,
              const TaskAsk& ask, const std::vector<Strategy>& strategies, std::mt19937_64& rng) {
  for (const auto& strategy : strategies) {
    if (candidates.size() <= 1) break;
    const auto s = scores(nodes, candidates, ask, strategy, rng);
    const double best = *std::min_element(s.begin(), s.end());
    std::vector<std::size_t> kept;
    for (std::size_t k = 0; k < candidates.size(); ++k) {
      if (s[k] == best) kept.push_back(candidates[k]);
    }
    candidates = std::move(kept);
  }
  if (!candidates.empty()) {
    decision.node = candidates[std::uniform_int_distribution<std::size_t>(0, candidates.size() - 1)(rng)];
  }
  return decision;
}

}  // namespace

std::vector<std::string> commit(NodeState& node, const TaskAsk& ask) {
  node.cpu_used += ask.cpu;
  node.memory_used += ask.memory;
  node.tcp_in_use.insert(ask.tcp_ports.begin(), ask.tcp_ports.end());
  node.udp_in_use.insert(ask.udp_ports.begin(), ask.udp_ports.end());
  node.group_tasks[ask.group] += 1;
  node.facts.running_tasks += 1;
  node.facts.task_groups.insert(ask.group);
  const auto taken = std::min(node.free_gpus.size(), static_cast<std::size_t>(std::max(ask.gpus, 0)));
  std::vector<std::string> gpus(node.free_gpus.begin(), node.free_gpus.begin() + static_cast<std::ptrdiff_t>(taken));
  node.free_gpus.erase(node.free_gpus.begin(), node.free_gpus.begin() + static_cast<std::ptrdiff_t>(taken));
  return gpus;
}

}  // namespace berth::place
