// Fuzz harness: request signature verification (Authorization header, presigned query, the
// canonical request pieces) and policy documents. The first byte picks the target:
//   'P' policy document: parse, then evaluate a few actions against it;
//   'A' an Authorization header value;
//   'W' "pattern\ntext": wildcard matching;
//   else a request: "METHOD path?query\nName: value\n...\n\nbody", verified at a fixed time.
// Any input must be accepted or refused with an error, never crash.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/auth/policy.hpp"
#include "api/auth/sigv4.hpp"

namespace {

using namespace berth::api::auth;

void fuzz_policy(std::string_view text) {
  auto policy = parse_policy(text);
  if (!policy) return;
  for (const char* action : {"ecs:RunTask", "ECS:describetasks", "scheduler:GetSchedule", ""}) {
    const Decision decision =
        evaluate(std::span(&*policy, 1), action, "arn:aws:ecs:local:000000000000:task/plant-7/0f3c");
    if (decision != Decision::allow) (void)access_denied(decision, "000000000000", "fuzz", action, "*");
  }
}

void fuzz_request(std::string_view text) {
  const std::size_t blank = text.find("\n\n");
  const std::string_view body = blank == std::string_view::npos ? std::string_view() : text.substr(blank + 2);
  std::string_view head = text.substr(0, blank);
  std::string_view line = head.substr(0, head.find('\n'));
  head.remove_prefix(std::min(line.size() + 1, head.size()));
  const std::size_t space = std::min(line.find(' '), line.size());
  const std::string_view method = line.substr(0, space);
  const std::string_view target = line.substr(std::min(space + 1, line.size()));
  const std::size_t question = target.find('?');
  const std::string_view path = target.substr(0, question);
  const std::string_view query = question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
  std::vector<HeaderField> headers;
  while (!head.empty() && headers.size() < 64) {
    const std::string_view header = head.substr(0, head.find('\n'));
    head.remove_prefix(std::min(header.size() + 1, head.size()));
    const std::size_t colon = std::min(header.find(':'), header.size());
    headers.emplace_back(header.substr(0, colon), header.substr(std::min(colon + 1, header.size())));
  }
  const SigningScope scope{"us-east-1", {"service", "ecs"}};
  const SecretLookup secrets = [](std::string_view key) -> std::optional<std::string> {
    if (key == "AKIDEXAMPLE") return "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    return std::nullopt;
  };
  (void)verify_sigv4(ReceivedRequest{method, path, query, headers, body}, 1440938160000, scope, secrets);
  (void)canonical_uri(path);
  (void)canonical_query(parse_query(query), "X-Amz-Signature");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0]) {
    case 'P': fuzz_policy(text); break;
    case 'A': (void)parse_authorization(text); break;
    case 'W': {
      const std::size_t newline = std::min(text.find('\n'), text.size());
      const std::string_view pattern = text.substr(0, newline);
      const std::string_view subject = text.substr(std::min(newline + 1, text.size()));
      (void)wildcard_match(pattern, subject, berth::api::auth::Case::insensitive);
      break;
    }
    default: fuzz_request(text); break;
  }
  return 0;
}
