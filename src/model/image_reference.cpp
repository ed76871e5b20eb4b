#include "model/image_reference.hpp"

#include <cctype>

namespace berth::model {
namespace {

bool is_repository_char(char c) {
  return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
         c == '.' || c == '_' || c == '-' || c == '/';
}

bool is_tag_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
}

}  // namespace

std::string ImageReference::canonical() const {
  std::string out = registry + "/" + repository;
  if (!tag.empty()) out += ":" + tag;
  if (!digest.empty()) out += "@" + digest;
  return out;
}

std::optional<ImageReference> parse_image_reference(std::string_view text) {
  if (text.empty() || text.size() > 4096) return std::nullopt;
  ImageReference ref;
  std::string rest(text);
  if (const auto at = rest.find('@'); at != std::string::npos) {
    ref.digest = rest.substr(at + 1);
    rest.resize(at);
    if (!ref.digest.starts_with("sha256:") || ref.digest.size() != 71) return std::nullopt;
    for (char c : ref.digest.substr(7)) {
      if (!std::isxdigit(static_cast<unsigned char>(c)) || std::isupper(static_cast<unsigned char>(c))) return std::nullopt;
    }
  }
  // A registry is the first component when it has a '.', a ':' or is "localhost".
  const auto slash = rest.find('/');
  if (slash != std::string::npos) {
    const std::string first = rest.substr(0, slash);
    if (first.find('.') != std::string::npos || first.find(':') != std::string::npos || first == "localhost") {
      ref.registry = first;
      rest = rest.substr(slash + 1);
    }
  }
  if (ref.registry.empty()) ref.registry = "docker.io";
  const auto colon = rest.rfind(':');
  if (colon != std::string::npos) {
    ref.tag = rest.substr(colon + 1);
    rest.resize(colon);
    if (ref.tag.empty() || ref.tag.size() > 128) return std::nullopt;
    for (char c : ref.tag) {
      if (!is_tag_char(c)) return std::nullopt;
    }
  } else if (ref.digest.empty()) {
    ref.tag = "latest";
  }
  if (rest.empty() || rest.front() == '/' || rest.back() == '/') return std::nullopt;
  for (char c : rest) {
    if (!is_repository_char(c)) return std::nullopt;
  }
  if (ref.registry == "docker.io" && rest.find('/') == std::string::npos) rest = "library/" + rest;
  ref.repository = rest;
  return ref;
}

std::optional<std::string> pinned_image(std::string_view image, std::string_view digest) {
  auto ref = parse_image_reference(image);
  if (!ref) return std::nullopt;
  // The digest is checked as a reference's own would be.
  const auto checked = parse_image_reference(ref->registry + "/" + ref->repository + "@" + std::string(digest));
  if (!checked) return std::nullopt;
  return checked->canonical();
}

}  // namespace berth::model
