// `berth image import|pull|ls|rm`: the node's local image store, used directly (no daemon needed).
// Import and pull draw their progress on stderr when it is a terminal.
#include <unistd.h>

#include <iomanip>
#include <iostream>

#include <algorithm>
#include <optional>
#include <set>

#include "agent/agent.hpp"
#include "cli/node_image_catalog.hpp"
#include "cli/transfer_progress.hpp"
#include "cli/usage.hpp"
#include "model/image_reference.hpp"
#include "runtime/image/image_puller.hpp"
#include "runtime/image/image_store.hpp"
#include "store/store.hpp"
#include "cli/verb_config.hpp"
#include "cli/verbs.hpp"

namespace berth::cli {
namespace {

// Draws `line` in place on stderr when it is a terminal, only when it changed (an import reports
// each read of its archive; the line changes far less often).
class ProgressLine {
 public:
  ProgressLine() : m_terminal(::isatty(STDERR_FILENO) == 1) {}
  void draw(const std::string& line) {
    if (!m_terminal || line == m_last) return;
    std::cerr << "\r" << line << "   " << std::flush;
    m_last = line;
  }
  ~ProgressLine() {
    if (!m_last.empty()) std::cerr << "\n";
  }

 private:
  bool m_terminal;
  std::string m_last;
};

}  // namespace

int image_verb(const Words& words) {
  auto args = parse_args(words, config_flags());
  if (!args) return usage_error(args.error().message, "image");
  if (args->help || args->positional.empty()) {
    std::cout << verb_usage("image");
    return args->help ? 0 : 2;
  }
  auto config = load_config(*args);
  if (!config) return usage_error(config.error().message, "image");
  SystemClock clock;
  auto images = runtime::ImageStore::open(config->data_dir + "/images", clock);
  if (!images) {
    std::cerr << "berth: " << images.error().message << "\n";
    return 1;
  }
  const std::string action = args->positional[0];
  if (action == "import" && args->positional.size() == 2) {
    std::optional<ProgressLine> progress(std::in_place);
    auto imported = (*images)->import_archive(args->positional[1], [&](const runtime::ImportProgress& p) {
      progress->draw("importing " + args->positional[1] + " " +
                     transfer_line(p.bytes_done, p.bytes_total, p.layers_done, p.layers_total));
    });
    progress.reset();  // the line ends before what follows
    if (!imported) {
      std::cerr << "berth: import refused: " << imported.error().message << "\n";
      return 1;
    }
    for (const auto& image : *imported) {
      std::string names;
      for (const auto& n : image.names) names += (names.empty() ? "" : ", ") + n;
      std::cout << "imported " << image.id.substr(0, 19) << " " << (names.empty() ? "(no name)" : names) << " "
                << human_size(image.size) << "\n";
    }
    return 0;
  }
  if (action == "pull" && args->positional.size() == 2) {
    auto agent_config = agent::AgentConfig::from(*config);
    if (!agent_config) return usage_error(agent_config.error().message, "image");
    runtime::ImagePuller puller(**images, registry_options(*agent_config, (*images)->blob_dir()));
    std::optional<ProgressLine> progress(std::in_place);
    auto pulled = puller.pull(args->positional[1], [&](const runtime::PullProgress& p) {
      progress->draw("pulling " + args->positional[1] + " " +
                     transfer_line(p.bytes_done, p.bytes_total, p.layers_done, p.layers_total));
    });
    progress.reset();
    if (!pulled) {
      std::cerr << "berth: pull failed: " << pulled.error().message << "\n";
      return 1;
    }
    std::cout << "pulled " << pulled->image.id.substr(0, 19) << " " << args->positional[1] << " "
              << pulled->manifest_digest << " " << human_size(pulled->image.size) << "\n";
    return 0;
  }
  if (action == "ls" && args->positional.size() == 1) {
    std::cout << std::left << std::setw(50) << "NAME" << std::setw(22) << "ID" << "SIZE\n";
    for (const auto& image : (*images)->list()) {
      const auto names = image.names.empty() ? std::vector<std::string>{"<none>"} : image.names;
      for (const auto& name : names) {
        std::cout << std::setw(50) << name << std::setw(22) << image.id.substr(7, 19) << human_size(image.size) << "\n";
      }
    }
    return 0;
  }
  if (action == "rm" && args->positional.size() == 2) {
    auto store = store::Store::open(config->db_path());
    if (!store) {
      std::cerr << "berth: " << store.error().message << "\n";
      return 1;
    }
    // Worked out before remove(), which holds the store's lock while it asks.
    const auto in_use = images_in_use(**store, **images);
    auto removed = (*images)->remove(args->positional[1], [&](const runtime::Image& i) {
      return !in_use || in_use->contains(i.id);  // when unsure, keep the image
    });
    if (!removed) {
      std::cerr << "berth: " << removed.error().message << "\n";
      return 1;
    }
    std::cout << "removed " << removed->id << "\n";
    return 0;
  }
  return usage_error("unknown image command", "image");
}

}  // namespace berth::cli
