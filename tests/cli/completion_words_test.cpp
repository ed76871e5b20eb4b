#include "cli/completion_words.hpp"

#include <catch2/catch.hpp>

#include "cli/usage.hpp"

namespace berth::cli::completion_words_test {

TEST_CASE("completion: every verb offered has help, and the scripts name them all", "[cli]") {
  const std::string bash = completion_script(Shell::bash);
  const std::string zsh = completion_script(Shell::zsh);
  for (const VerbWords& w : completion_words()) {
    INFO(w.verb);
    CHECK_FALSE(verb_usage(w.verb).empty());
    CHECK(bash.find(" " + std::string(w.verb)) != std::string::npos);
  }
  CHECK(bash.find("complete -F _berth berth") != std::string::npos);
  CHECK(bash.find("$(berth ps -q $remote 2>/dev/null | cut -c1-12)") != std::string::npos);
  // `wait`'s own word stays whole; only the word "services" becomes the names asked for.
  CHECK(bash.find("wait) words=\"services-stable $(berth services -q $remote 2>/dev/null)\"") != std::string::npos);
  CHECK(zsh.starts_with("#compdef berth\nautoload -U +X bashcompinit && bashcompinit\n"));
}

TEST_CASE("completion: every flag offered for a verb is one its help names", "[cli]") {
  // A flag offered but not taken (info --output was) ends the completed command in a usage error.
  for (const VerbWords& w : completion_words()) {
    const std::string help(verb_usage(w.verb));
    std::string_view flags = w.flags;
    while (!flags.empty()) {
      const auto space = flags.find(' ');
      const std::string flag(flags.substr(0, space));
      flags = space == std::string_view::npos ? "" : flags.substr(space + 1);
      INFO(w.verb << " " << flag);
      CHECK(flag.starts_with("--"));
      CHECK(help.find(flag) != std::string::npos);
    }
  }
}

}  // namespace berth::cli::completion_words_test
