#include "model/gpu_requirements.hpp"

#include <catch2/catch.hpp>

namespace gpu_requirements_test {

using namespace berth;
using model::Json;

TEST_CASE("gpu_count: the GPU entry's whole number, 0 without one", "[model]") {
  CHECK(model::gpu_count(Json::array()) == 0);
  CHECK(model::gpu_count(Json::parse(R"([{"type": "GPU", "value": "2"}])")) == 2);
  CHECK(model::gpu_count(Json::parse(R"([{"type": "GPU", "value": "64"}])")) == 64);
  CHECK(model::gpu_count(Json()) == 0);
}

TEST_CASE("gpu_count: bad values, a second GPU entry and InferenceAccelerator are ClientException", "[model]") {
  for (const char* bad : {R"([{"type": "GPU", "value": "0"}])", R"([{"type": "GPU", "value": "65"}])",
                          R"([{"type": "GPU", "value": "-1"}])", R"([{"type": "GPU", "value": "1.5"}])",
                          R"([{"type": "GPU", "value": " 1"}])", R"([{"type": "GPU", "value": "99999999999999999999"}])",
                          R"([{"type": "GPU", "value": 1}])", R"([{"type": "GPU"}])"}) {
    INFO(bad);
    const auto r = model::gpu_count(Json::parse(bad));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == Code::client);
    CHECK(r.error().message == "resourceRequirements GPU value must be a whole number of GPUs from 1 to 64.");
  }
  const auto twice = model::gpu_count(Json::parse(R"([{"type": "GPU", "value": "1"}, {"type": "GPU", "value": "1"}])"));
  REQUIRE_FALSE(twice.has_value());
  CHECK(twice.error().message == "resourceRequirements lists GPU more than once.");
  const auto accelerator = model::gpu_count(Json::parse(R"([{"type": "InferenceAccelerator", "value": "d"}])"));
  REQUIRE_FALSE(accelerator.has_value());
  CHECK(accelerator.error().message.starts_with("resourceRequirements InferenceAccelerator is not supported"));
}

}  // namespace gpu_requirements_test
