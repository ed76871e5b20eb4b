// Image references as Docker and ECS write them ("busybox", "busybox:1.36",
// "registry.example:5000/team/app:1.2", "app@sha256:..."), normalised to one canonical form
// ("docker.io/library/busybox:latest"). Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace berth::model {

struct ImageReference {
  std::string registry;    // "docker.io", "registry.example:5000"
  std::string repository;  // "library/busybox", "team/app"
  std::string tag;         // "latest" unless a digest is given
  std::string digest;      // "sha256:<64 hex>" or ""

  // Returns the canonical text: registry/repository[:tag][@digest].
  std::string canonical() const;
};

// Parses `text`; returns nothing for an invalid reference (empty, upper-case repository,
// spaces, a bad digest).
std::optional<ImageReference> parse_image_reference(std::string_view text);

// `image` pinned to `digest` ("sha256:<64 hex>"): registry/repository@digest, the form an image
// pulled by digest is known by (its tag dropped, as the digest decides). Returns nothing when
// `image` or `digest` is not valid.
std::optional<std::string> pinned_image(std::string_view image, std::string_view digest);

}  // namespace berth::model
