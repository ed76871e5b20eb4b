// The architecture this binary was built for, in the spellings the formats use. Constant.
#pragma once

namespace berth {

// ECS `ecs.cpu-architecture` spelling: "x86_64", "arm64", "arm".
constexpr const char* ecs_architecture() {
#if defined(__aarch64__)
  return "arm64";
#elif defined(__arm__)
  return "arm";
#else
  return "x86_64";
#endif
}

// OCI image-config / platform spelling: "amd64", "arm64", "arm".
constexpr const char* oci_architecture() {
#if defined(__aarch64__)
  return "arm64";
#elif defined(__arm__)
  return "arm";
#else
  return "amd64";
#endif
}

}  // namespace berth
