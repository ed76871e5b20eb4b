#include "model/failure.hpp"

namespace berth::model {

Json failures_to_json(const std::vector<Failure>& failures) {
  Json out = Json::array();
  for (const auto& failure : failures) {
    Json entry{{"arn", failure.arn}, {"reason", failure.reason}};
    if (!failure.detail.empty()) entry["detail"] = failure.detail;
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace berth::model
