#include "svc/actions.hpp"

#include <map>
#include <string>

namespace berth::svc {

namespace {

const std::map<std::string, Action, std::less<>>& actions_by_name() {
  static const std::map<std::string, Action, std::less<>> k_actions = {
      {"CreateCluster", create_cluster},
      {"DescribeClusters", describe_clusters},
      {"ListClusters", list_clusters},
      {"DeleteCluster", delete_cluster},
      {"RegisterTaskDefinition", register_task_definition},
      {"DescribeTaskDefinition", describe_task_definition},
      {"ListTaskDefinitions", list_task_definitions},
      {"ListTaskDefinitionFamilies", list_task_definition_families},
      {"DeregisterTaskDefinition", deregister_task_definition},
      {"DeleteTaskDefinitions", delete_task_definitions},
      {"TagResource", tag_resource},
      {"UntagResource", untag_resource},
      {"ListTagsForResource", list_tags_for_resource},
      {"RegisterContainerInstance", register_container_instance},
      {"DeregisterContainerInstance", deregister_container_instance},
      {"DescribeContainerInstances", describe_container_instances},
      {"ListContainerInstances", list_container_instances},
      {"UpdateContainerInstancesState", update_container_instances_state},
      {"PutAttributes", put_attributes},
      {"DeleteAttributes", delete_attributes},
      {"ListAttributes", list_attributes},
      {"RunTask", run_task},
      {"StartTask", start_task},
      {"StopTask", stop_task},
      {"DescribeTasks", describe_tasks},
      {"ListTasks", list_tasks},
      {"CreateService", create_service},
      {"UpdateService", update_service},
      {"DeleteService", delete_service},
      {"DescribeServices", describe_services},
      {"ListServices", list_services},
  };
  return k_actions;
}

}  // namespace

Action find_action(std::string_view name) {
  const auto& actions = actions_by_name();
  const auto it = actions.find(name);
  return it == actions.end() ? nullptr : it->second;
}

std::vector<std::string> action_names() {
  std::vector<std::string> names;
  for (const auto& [name, _] : actions_by_name()) names.push_back(name);
  return names;
}

}  // namespace berth::svc
