#include "model/failure.hpp"

namespace berth::model {

Json failures_to_json(const std::vector<Failure>& failures) {
  Json out = Json::array();
  for (const auto& failure : failures) out.push_back({{"arn", failure.arn}, {"reason", failure.reason}});
  return out;
}

}  // namespace berth::model
