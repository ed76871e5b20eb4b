// What the gateway's data path must do for ELB, computed whole on each pass: each TCP listener's
// port and the endpoints new connections spread over, and each HTTP listener's port, rules and
// the endpoints of the groups they forward to. Pure values; thread-safe.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "model/elb.hpp"

namespace berth::model {

struct TcpForward {
  int port = 0;
  std::vector<Endpoint> endpoints;  // sorted; empty: connections are refused
  bool operator==(const TcpForward&) const = default;
};

struct HttpListenerPlan {
  Listener listener;
  std::vector<ListenerRule> rules;                       // by priority
  std::map<std::string, std::vector<Endpoint>> groups;   // target group ARN → endpoints
  bool operator==(const HttpListenerPlan& other) const {
    return listener.arn == other.listener.arn && listener.port == other.listener.port &&
           listener.default_target_group_arn == other.listener.default_target_group_arn &&
           to_records(rules) == to_records(other.rules) && groups == other.groups;
  }

 private:
  static std::vector<Json> to_records(const std::vector<ListenerRule>& rules) {
    std::vector<Json> out;
    for (const auto& r : rules) out.push_back(to_record(r));
    return out;
  }
};

struct DataPlan {
  std::vector<TcpForward> tcp;            // by port
  std::vector<HttpListenerPlan> http;     // by port
  bool operator==(const DataPlan&) const = default;
};

}  // namespace berth::model
