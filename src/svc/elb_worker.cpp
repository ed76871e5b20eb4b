#include "svc/elb_worker.hpp"

#include <algorithm>

#include "common/log.hpp"
#include "common/numbers.hpp"
#include "svc/actions.hpp"
#include "svc/elb.hpp"
#include "svc/elb_live_targets.hpp"

namespace berth::svc {
namespace {

constexpr auto k_tick = std::chrono::seconds(1);

// The endpoints of `group` that take new connections: the healthy ones (or with checks
// disabled); when there are none, every one not draining (ELB's fail-open).
std::vector<model::Endpoint> endpoints_of(const std::string& group, const std::vector<LiveTarget>& live,
                                          const std::map<std::string, model::TargetHealth>& board) {
  std::vector<model::Endpoint> healthy, open;
  for (const auto& l : live) {
    if (l.target.target_group_arn != group || !l.endpoint || l.draining) continue;
    open.push_back(*l.endpoint);
    const auto it = board.find(target_key(group, l.target.id, l.target.port));
    if (it == board.end()) continue;
    if (it->second.state == model::TargetState::healthy || it->second.state == model::TargetState::unavailable) {
      healthy.push_back(*l.endpoint);
    }
  }
  auto& chosen = healthy.empty() ? open : healthy;
  std::sort(chosen.begin(), chosen.end());
  chosen.erase(std::unique(chosen.begin(), chosen.end()), chosen.end());
  return chosen;
}

}  // namespace

model::DataPlan data_plan(const ElbCatalog& catalog, const std::vector<LiveTarget>& live,
                          const std::map<std::string, model::TargetHealth>& board) {
  model::DataPlan plan;
  for (const auto& listener : catalog.listeners) {
    if (listener.protocol == "TCP") {
      plan.tcp.push_back({listener.port, endpoints_of(listener.default_target_group_arn, live, board)});
      continue;
    }
    model::HttpListenerPlan http{listener, {}, {}};
    http.groups[listener.default_target_group_arn] = endpoints_of(listener.default_target_group_arn, live, board);
    for (const auto& rule : catalog.rules) {
      if (rule.listener_arn != listener.arn) continue;
      http.rules.push_back(rule);
      http.groups[rule.target_group_arn] = endpoints_of(rule.target_group_arn, live, board);
    }
    plan.http.push_back(std::move(http));
  }
  const auto by_port = [](const auto& a, const auto& b) { return a.port < b.port; };
  std::sort(plan.tcp.begin(), plan.tcp.end(), by_port);
  std::sort(plan.http.begin(), plan.http.end(), [](const auto& a, const auto& b) { return a.listener.port < b.listener.port; });
  return plan;
}

void ElbWorker::start() {
  m_ctx.elb->set_on_change([this] { wake(); });
  m_worker.start("load balancing", k_tick, [this] { pass(); });
  wake();  // the first pass restores the data path at once
}

void ElbWorker::pass() {
  auto catalog = load_elb_catalog(m_ctx);
  if (!catalog) {
    log_warn("load balancing: " + catalog.error().message);
    return;
  }
  auto live = live_targets(m_ctx, *catalog);
  if (!live) {
    log_warn("load balancing: " + live.error().message);
    return;
  }
  const EpochMs now = m_ctx.clock.now_ms();
  const auto previous = m_ctx.elb->health_board();
  std::map<std::string, model::TargetHealth> board;
  std::vector<const LiveTarget*> failed_tasks;
  for (const auto& l : *live) {
    const auto* tg = catalog->target_group(l.target.target_group_arn);
    if (!tg || !l.endpoint) continue;
    const std::string key = target_key(tg->arn, l.target.id, l.target.port);
    if (board.contains(key)) continue;
    const auto it = previous.find(key);
    model::TargetHealth health = it != previous.end() ? it->second : model::new_target_health(tg->health, now);
    if (tg->health.enabled && !l.draining && model::check_due(health, now)) {
      const int port = tg->health.port == "traffic-port" ? l.endpoint->port
                                                         : parse_integer<int>(tg->health.port).value_or(l.endpoint->port);
      model::record_check(health, tg->health, now, m_path.probe(*l.endpoint, port, tg->health));
    }
    if (health.state == model::TargetState::unhealthy && !l.task_id.empty() && !l.draining &&
        now >= l.task_started_at + EpochMs{l.grace_seconds} * 1000) {
      failed_tasks.push_back(&l);
    }
    board.emplace(key, std::move(health));
  }
  m_ctx.elb->set_health(std::move(board));
  auto plan = data_plan(*catalog, *live, m_ctx.elb->health_board());
  if (!m_applied || *m_applied != plan) {
    if (auto applied = m_path.apply(plan); !applied) {
      log_warn("load balancing: the data path was not updated: " + applied.error().message);
    } else {
      m_applied = std::move(plan);
    }
  }
  // As ECS: a service task its load balancer finds unhealthy after the grace period is replaced.
  for (const auto* l : failed_tasks) {
    model::StopTaskRequest stop{l->cluster, l->task_id,
                                "Task failed ELB health checks in (target-group " + l->target.target_group_arn + ")"};
    if (auto stopped = stop_task(m_ctx, stop); !stopped) {
      log_warn("load balancing: stop unhealthy task " + l->task_id + ": " + stopped.error().message);
    } else {
      log_info("load balancing: stopped task " + l->task_id + ", which failed its target group's health checks");
    }
  }
}

}  // namespace berth::svc
