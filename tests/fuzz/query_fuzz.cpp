// Fuzz harness: the cluster query language (memberOf, ListContainerInstances filters). Any
// text must parse or fail with an error; a parsed expression must evaluate without crashing.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "place/query.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto expression = berth::place::parse_expression(text);
  if (!expression) return 0;
  berth::place::InstanceFacts facts;
  facts.id = "0123456789abcdef";
  facts.attributes = {{"ecs.instance-type", "gateway"}, {"ecs.availability-zone", "local"}, {"flag", ""}};
  facts.running_tasks = 3;
  facts.task_groups = {"service:web", "family:app"};
  (void)expression->matches(facts);
  (void)expression->is_static();
  return 0;
}
