#include "api/prometheus_exposition.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

#include "model/container_usage.hpp"

namespace berth::api {
namespace {

using model::ContainerStats;

bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_lower_or_digit(char c) { return is_lower(c) || (c >= '0' && c <= '9'); }
bool is_name_char(char c) { return is_upper(c) || is_lower_or_digit(c) || c == '_'; }

// "CPUUtilization" -> "cpu_utilization", "ContainerInsights" -> "container_insights"; any
// character a Prometheus name cannot hold becomes '_'.
std::string snake_case(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (is_upper(c)) {
      const bool after_word = i > 0 && is_lower_or_digit(text[i - 1]);
      // The last capital of an acronym starts the next word: "CPUUtilization" -> "cpu_utilization".
      const bool starts_word = i > 0 && is_upper(text[i - 1]) && i + 1 < text.size() && is_lower(text[i + 1]);
      if ((after_word || starts_word) && !out.empty() && out.back() != '_') out += '_';
      out += static_cast<char>(c - 'A' + 'a');
    } else {
      out += is_name_char(c) ? c : '_';
    }
  }
  return out;
}

// The unit as a name suffix (Prometheus' base units are part of the name); counts have none.
std::string unit_suffix(std::string_view unit) {
  if (unit.empty() || unit == "None" || unit == "Count") return "";
  std::string out;
  std::size_t start = 0;
  while (true) {
    const auto slash = unit.find('/', start);
    out += (start == 0 ? "" : "_per_") + snake_case(unit.substr(start, slash - start));  // "Bytes/Second"
    if (slash == std::string_view::npos) return out;
    start = slash + 1;
  }
}

std::string escape_help(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

// A value in the shortest text that reads back as the same double, by nlohmann::json's formatter
// (Grisu2: in the binary already for every JSON number). Not std::to_chars: libstdc++ defines its
// double overload beside the fixed-precision one, whose Ryu tables it then keeps too (123 KB of
// the aarch64 binary, for this one call). The JSON form of a whole number ends in ".0", dropped so
// that counts read 0, 1, 12 as before (Prometheus accepts both).
std::string format_double(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  std::string text = nlohmann::json(value).dump();
  if (text.ends_with(".0")) text.resize(text.size() - 2);
  return text;
}

std::string seconds_of(std::uint64_t ns) { return format_double(static_cast<double>(ns) / 1e9); }

using Labels = std::vector<std::pair<std::string, std::string>>;

std::string label_text(const Labels& labels) {
  if (labels.empty()) return "";
  std::string out = "{";
  for (const auto& [name, value] : labels) {
    if (out.size() > 1) out += ',';
    out += name + "=\"" + escape_label_value(value) + '"';
  }
  return out + '}';
}

void write_header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(escape_help(help)).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void write_sample(std::string& out, std::string_view name, const Labels& labels, std::string_view value) {
  out.append(name).append(label_text(labels)).append(" ").append(value).append("\n");
}

// The labels every container family carries; a service's tasks also name their service.
Labels container_labels(const model::ContainerSample& sample) {
  Labels labels{{"cluster", sample.cluster}};
  constexpr std::string_view service_prefix = "service:";
  if (sample.group.starts_with(service_prefix)) labels.emplace_back("service", sample.group.substr(service_prefix.size()));
  labels.emplace_back("task_definition_family", std::string(model::family_of(sample.task_definition_arn)));
  labels.emplace_back("task", std::string(model::task_id_of(sample.task_arn)));
  labels.emplace_back("container", sample.container_name);
  return labels;
}

struct ContainerFamily {
  std::string_view name;
  std::string_view type;
  std::string_view help;
  // The sample's value, or none when the reading does not have it.
  std::optional<std::string> (*value)(const ContainerStats&);
  bool per_interface = false;  // network families carry the interface's name
};

std::optional<std::string> whole(std::uint64_t value) { return std::to_string(value); }

const ContainerFamily k_container_families[] = {
    {"berth_container_cpu_usage_seconds_total", "counter", "CPU time the container used, all CPUs.",
     [](const ContainerStats& s) { return std::optional(seconds_of(s.cpu_usage_ns)); }},
    {"berth_container_cpu_user_seconds_total", "counter", "CPU time the container used in user mode.",
     [](const ContainerStats& s) { return std::optional(seconds_of(s.cpu_user_ns)); }},
    {"berth_container_cpu_system_seconds_total", "counter", "CPU time the container used in kernel mode.",
     [](const ContainerStats& s) { return std::optional(seconds_of(s.cpu_system_ns)); }},
    {"berth_container_memory_usage_bytes", "gauge", "Memory the kernel charges to the container, page cache included.",
     [](const ContainerStats& s) { return whole(s.memory_usage_bytes); }},
    {"berth_container_memory_max_usage_bytes", "gauge", "The most memory the container was charged (where the kernel tells).",
     [](const ContainerStats& s) { return s.memory_max_usage_bytes ? whole(s.memory_max_usage_bytes) : std::nullopt; }},
    {"berth_container_memory_working_set_bytes", "gauge", "Memory usage minus inactive file pages: what the OOM killer weighs.",
     [](const ContainerStats& s) { return whole(s.memory_working_set_bytes); }},
    {"berth_container_memory_cache_bytes", "gauge", "Page cache charged to the container.",
     [](const ContainerStats& s) { return whole(s.memory_cache_bytes); }},
    {"berth_container_memory_limit_bytes", "gauge", "The container's memory limit (absent when it has none).",
     [](const ContainerStats& s) { return s.memory_limit_bytes ? whole(*s.memory_limit_bytes) : std::nullopt; }},
    {"berth_container_pids", "gauge", "Processes and threads in the container.",
     [](const ContainerStats& s) { return whole(s.pids); }},
    {"berth_container_network_receive_bytes_total", "counter", "Bytes the task's network namespace received.",
     [](const ContainerStats& s) { return s.network ? whole(s.network->rx_bytes) : std::nullopt; }, true},
    {"berth_container_network_receive_packets_total", "counter", "Packets the task's network namespace received.",
     [](const ContainerStats& s) { return s.network ? whole(s.network->rx_packets) : std::nullopt; }, true},
    {"berth_container_network_receive_errors_total", "counter", "Receive errors in the task's network namespace.",
     [](const ContainerStats& s) { return s.network ? whole(s.network->rx_errors) : std::nullopt; }, true},
    {"berth_container_network_receive_packets_dropped_total", "counter", "Received packets dropped in the task's network namespace.",
     [](const ContainerStats& s) { return s.network ? whole(s.network->rx_dropped) : std::nullopt; }, true},
    {"berth_container_network_transmit_bytes_total", "counter", "Bytes the task's network namespace sent.",
     [](const ContainerStats& s) { return s.network ? whole(s.network->tx_bytes) : std::nullopt; }, true},
    {"berth_container_network_transmit_packets_total", "counter", "Packets the task's network namespace sent.",
     [](const ContainerStats& s) { return s.network ? whole(s.network->tx_packets) : std::nullopt; }, true},
    {"berth_container_network_transmit_errors_total", "counter", "Transmit errors in the task's network namespace.",
     [](const ContainerStats& s) { return s.network ? whole(s.network->tx_errors) : std::nullopt; }, true},
    {"berth_container_network_transmit_packets_dropped_total", "counter", "Sent packets dropped in the task's network namespace.",
     [](const ContainerStats& s) { return s.network ? whole(s.network->tx_dropped) : std::nullopt; }, true},
    {"berth_container_blkio_read_bytes_total", "counter", "Bytes the container read from block devices.",
     [](const ContainerStats& s) { return whole(s.block_read_bytes); }},
    {"berth_container_blkio_write_bytes_total", "counter", "Bytes the container wrote to block devices.",
     [](const ContainerStats& s) { return whole(s.block_write_bytes); }},
};

void write_container_families(std::string& out, const std::vector<svc::ContainerReadings>& containers) {
  // Each container's label text is made once, not once per family: most of a scrape's bytes.
  std::vector<std::string> label_texts;
  label_texts.reserve(containers.size());
  for (const auto& readings : containers) label_texts.push_back(label_text(container_labels(readings.latest)));
  for (const auto& family : k_container_families) {
    bool header_written = false;
    for (std::size_t i = 0; i < containers.size(); ++i) {
      const ContainerStats& stats = containers[i].latest.stats;
      const auto value = family.value(stats);
      if (!value) continue;
      if (!header_written) write_header(out, family.name, family.type, family.help);
      header_written = true;
      out.append(family.name);
      if (family.per_interface) {
        const std::string& labels = label_texts[i];
        out.append(labels, 0, labels.size() - 1)
            .append(",interface=\"")
            .append(escape_label_value(stats.network->interface))
            .append("\"}");
      } else {
        out.append(label_texts[i]);
      }
      out.append(" ").append(*value).append("\n");
    }
  }
}

void write_derived_families(std::string& out, const std::vector<DerivedValue>& derived) {
  struct Family {
    std::string help;
    std::vector<std::pair<Labels, double>> samples;
  };
  std::map<std::string, Family> families;
  for (const auto& value : derived) {
    Family& family = families[derived_family_name(value.id, value.unit)];
    if (family.help.empty()) {
      family.help = "Newest period's average of CloudWatch metric " + value.id.name_space + " " + value.id.metric_name +
                    (value.unit.empty() ? "" : " (" + value.unit + ")") + ".";
    }
    Labels labels;
    for (const auto& [name, dimension_value] : value.id.dimensions) labels.emplace_back(dimension_label(name), dimension_value);
    std::ranges::sort(labels);
    family.samples.emplace_back(std::move(labels), value.value);
  }
  for (auto& [name, family] : families) {
    std::ranges::sort(family.samples);
    write_header(out, name, "gauge", family.help);
    for (const auto& [labels, value] : family.samples) write_sample(out, name, labels, format_double(value));
  }
}

}  // namespace

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string derived_family_name(const svc::MetricId& id, std::string_view unit) {
  const std::string_view name_space = id.name_space;
  const auto slash = name_space.rfind('/');
  std::string name = "berth_" + snake_case(slash == std::string_view::npos ? name_space : name_space.substr(slash + 1)) +
                     "_" + snake_case(id.metric_name);
  const std::string suffix = unit_suffix(unit);
  if (!suffix.empty() && !name.ends_with("_" + suffix)) name += "_" + suffix;
  return name;
}

std::string dimension_label(std::string_view dimension) {
  if (dimension.size() > 4 && dimension.ends_with("Name")) dimension.remove_suffix(4);
  std::string label = snake_case(dimension);
  // A label name may not start with a digit; names starting with "__" are Prometheus' own.
  if (label.empty() || (label[0] >= '0' && label[0] <= '9')) label.insert(0, "d_");
  while (label.starts_with("__")) label.erase(0, 1);
  return label;
}

std::string prometheus_exposition(const MetricsSnapshot& snapshot) {
  std::string out;
  out.reserve(4096 + snapshot.containers.size() * 4096);
  write_container_families(out, snapshot.containers);
  write_derived_families(out, snapshot.derived);
  write_header(out, "berth_metric_store_containers", "gauge", "Running containers whose readings the store holds.");
  write_sample(out, "berth_metric_store_containers", {}, std::to_string(snapshot.containers.size()));
  write_header(out, "berth_metric_store_series_bytes", "gauge", "Bytes the derived series' rings hold.");
  write_sample(out, "berth_metric_store_series_bytes", {}, std::to_string(snapshot.series_bytes));
  write_header(out, "berth_metric_store_dropped_values_total", "counter",
               "Derived values dropped because the store held its maximum number of series.");
  write_sample(out, "berth_metric_store_dropped_values_total", {}, std::to_string(snapshot.dropped_values));
  return out;
}

}  // namespace berth::api
