#include "cli/completion_words.hpp"

#include "common/split.hpp"

namespace berth::cli {

// The flags of every verb that talks to the API, which may be another gateway's.
#define BERTH_ENDPOINT_FLAGS " --endpoint --ca-bundle --fingerprint --profile"

const std::vector<VerbWords>& completion_words() {
  static const std::vector<VerbWords> k_words = {
      {"serve", "--config --data-dir --run-dir --listen --socket --cluster --region --account --log-level --tls --peers --peer-address", ""},
      {"ps", "--all --service --quiet --output" BERTH_ENDPOINT_FLAGS, ""},
      {"services", "--quiet --output" BERTH_ENDPOINT_FLAGS, ""},
      {"instances", "--output" BERTH_ENDPOINT_FLAGS, ""},
      {"schedules", "--group --output" BERTH_ENDPOINT_FLAGS, ""},
      {"events", "--follow --output" BERTH_ENDPOINT_FLAGS, "services"},
      {"describe", "--output" BERTH_ENDPOINT_FLAGS, "tasks services"},
      {"run", "--name --publish --env --memory --wait --timeout --output" BERTH_ENDPOINT_FLAGS, ""},
      {"stop", "--reason --output" BERTH_ENDPOINT_FLAGS, "tasks"},
      {"scale", "--output" BERTH_ENDPOINT_FLAGS, "services"},
      {"deploy", "--image --container --timeout --no-wait --output" BERTH_ENDPOINT_FLAGS, "services"},
      {"wait", "--timeout" BERTH_ENDPOINT_FLAGS, "services-stable services"},
      {"image", "--data-dir --config", "pull import ls rm"},
      {"logs", "--follow --timestamps --socket" BERTH_ENDPOINT_FLAGS, "tasks"},
      {"stats", "--no-stream --socket" BERTH_ENDPOINT_FLAGS, "tasks"},
      {"attach", "--run-dir --config", "tasks"},
      {"exec", "--interactive --tty --socket --config" BERTH_ENDPOINT_FLAGS, "tasks"},
      {"key", "--policy --socket", "create ls rm"},
      {"join-token", "--ttl --cluster --socket", "create"},
      {"peers", "--peers --config", "list add remove"},
      {"info", "--config --data-dir --output" BERTH_ENDPOINT_FLAGS, ""},
      {"doctor", "--config --data-dir --run-dir", ""},
      {"completion", "", "bash zsh"},
      {"version", "", ""},
      {"help", "", "verbs"},
  };
  return k_words;
}

#undef BERTH_ENDPOINT_FLAGS

std::string completion_script(Shell shell) {
  std::string verbs;
  std::string flag_cases;
  std::string argument_cases;
  for (const VerbWords& w : completion_words()) {
    verbs += (verbs.empty() ? "" : " ") + std::string(w.verb);
    flag_cases += "    " + std::string(w.verb) + ") words=\"" + std::string(w.flags) + "\" ;;\n";
    // Names the daemon knows are asked for while completing; a stopped daemon offers none.
    // They are asked of the gateway the command line names with --endpoint, if it does. A
    // marker is a whole word: `wait`'s "services-stable" stays as it is.
    std::string arguments;
    for (const auto word : split(w.arguments, ' ')) {
      std::string out(word);
      if (word == "tasks") out = "$(berth ps -q $remote 2>/dev/null | cut -c1-12)";
      if (word == "services") out = "$(berth services -q $remote 2>/dev/null)";
      if (word == "verbs") out = "$verbs";
      arguments += (arguments.empty() ? "" : " ") + out;
    }
    if (!arguments.empty()) argument_cases += "    " + std::string(w.verb) + ") words=\"" + arguments + "\" ;;\n";
  }
  std::string script;
  if (shell == Shell::zsh) script += "#compdef berth\nautoload -U +X bashcompinit && bashcompinit\n";
  script += "# berth completion: source <(berth completion " + std::string(shell == Shell::zsh ? "zsh" : "bash") + ")\n";
  script += "_berth() {\n"
            "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" verb=\"${COMP_WORDS[1]}\" words=\"\"\n"
            "  local verbs=\"" + verbs + "\"\n"
            "  local remote=\"\" i\n"
            "  for ((i = 2; i < COMP_CWORD; i++)); do\n"
            "    case \"${COMP_WORDS[i]}\" in\n"
            "      --endpoint|--ca-bundle|--fingerprint|--profile) remote=\"$remote ${COMP_WORDS[i]} ${COMP_WORDS[i+1]}\" ;;\n"
            "      --endpoint=*|--ca-bundle=*|--fingerprint=*|--profile=*) remote=\"$remote ${COMP_WORDS[i]}\" ;;\n"
            "    esac\n"
            "  done\n"
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
