#include "cli/completion_words.hpp"

namespace berth::cli {

const std::vector<VerbWords>& completion_words() {
  static const std::vector<VerbWords> k_words = {
      {"serve", "--config --data-dir --run-dir --listen --socket --cluster --region --account --log-level --tls", ""},
      {"ps", "--all --service --quiet --output", ""},
      {"services", "--quiet --output", ""},
      {"instances", "--output", ""},
      {"schedules", "--group --output", ""},
      {"events", "--follow --output", "services"},
      {"describe", "--output", "tasks services"},
      {"run", "--name --publish --env --memory --wait --timeout --output", ""},
      {"stop", "--reason --output", "tasks"},
      {"scale", "--output", "services"},
      {"deploy", "--image --container --timeout --no-wait --output", "services"},
      {"wait", "--timeout", "services-stable services"},
      {"image", "--data-dir --config", "pull import ls rm"},
      {"logs", "--follow --timestamps --socket", "tasks"},
      {"stats", "--no-stream --socket", "tasks"},
      {"attach", "--run-dir --config", "tasks"},
      {"exec", "--interactive --tty --socket --config", "tasks"},
      {"key", "--policy --socket", "create ls rm"},
      {"join-token", "--ttl --cluster --socket", "create"},
      {"info", "--config --data-dir", ""},
      {"doctor", "--config --data-dir --run-dir", ""},
      {"completion", "", "bash zsh"},
      {"version", "", ""},
      {"help", "", "verbs"},
  };
  return k_words;
}

std::string completion_script(Shell shell) {
  std::string verbs;
  std::string flag_cases;
  std::string argument_cases;
  for (const VerbWords& w : completion_words()) {
    verbs += (verbs.empty() ? "" : " ") + std::string(w.verb);
    flag_cases += "    " + std::string(w.verb) + ") words=\"" + std::string(w.flags) + "\" ;;\n";
    std::string arguments(w.arguments);
    // Names the daemon knows are asked for while completing; a stopped daemon offers none.
    for (const auto& [marker, command] : {std::pair<std::string, std::string>{"tasks", "$(berth ps -q 2>/dev/null | cut -c1-12)"},
                                          {"services", "$(berth services -q 2>/dev/null)"}}) {
      if (const auto at = arguments.find(marker); at != std::string::npos) arguments.replace(at, marker.size(), command);
    }
    if (arguments == "verbs") arguments = "$verbs";
    if (!arguments.empty()) argument_cases += "    " + std::string(w.verb) + ") words=\"" + arguments + "\" ;;\n";
  }
  std::string script;
  if (shell == Shell::zsh) script += "#compdef berth\nautoload -U +X bashcompinit && bashcompinit\n";
  script += "# berth completion: source <(berth completion " + std::string(shell == Shell::zsh ? "zsh" : "bash") + ")\n";
  script += "_berth() {\n"
            "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" verb=\"${COMP_WORDS[1]}\" words=\"\"\n"
            "  local verbs=\"" + verbs + "\"\n"
            "  if [ \"$COMP_CWORD\" -eq 1 ]; then\n"
            "    COMPREPLY=($(compgen -W \"$verbs\" -- \"$cur\"))\n"
            "    return\n"
            "  fi\n"
            "  if [[ \"$cur\" == -* ]]; then\n"
            "    case \"$verb\" in\n" + flag_cases +
            "    esac\n"
            "  else\n"
            "    case \"$verb\" in\n" + argument_cases +
            "    esac\n"
            "  fi\n"
            "  COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
            "}\n"
            "complete -F _berth berth\n";
  return script;
}

}  // namespace berth::cli
