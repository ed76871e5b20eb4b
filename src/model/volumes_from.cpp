#include "model/volumes_from.hpp"

#include <set>

namespace berth::model {
namespace {

const Json* container_named(const Json& containers, const std::string& name) {
  for (const auto& c : containers) {
    if (c.is_object() && c.value("name", "") == name) return &c;
  }
  return nullptr;
}

void collect(const Json& containers, const Json& container, bool read_only, const std::string& via,
             std::set<std::string>& seen, std::vector<InheritedMount>& out) {
  const auto from = container.find("volumesFrom");
  if (from == container.end() || !from->is_array()) return;
  for (const auto& link : *from) {
    const std::string name = link.value("sourceContainer", "");
    const Json* source = container_named(containers, name);
    if (!source || !seen.insert(name).second) continue;
    const bool link_read_only = read_only || link.value("readOnly", false);
    const std::string through = via.empty() ? name : via;
    if (const auto own = source->find("mountPoints"); own != source->end() && own->is_array()) {
      for (const auto& mp : *own) out.push_back({&mp, link_read_only || mp.value("readOnly", false), through});
    }
    collect(containers, *source, link_read_only, through, seen, out);
  }
}

}  // namespace

std::vector<InheritedMount> volumes_from_mounts(const Json& containers, const Json& container) {
  std::vector<InheritedMount> out;
  std::set<std::string> seen{container.value("name", "")};
  collect(containers, container, false, "", seen, out);
  return out;
}

}  // namespace berth::model
