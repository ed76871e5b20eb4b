// Pulls images by the OCI distribution protocol: manifest negotiation (OCI index, Docker
// manifest list, OCI and Docker manifests), platform selection, the config and layer blobs
// verified by digest while they stream to disk, resumption of a broken blob download from the
// bytes already on disk, and anonymous, bearer-token and basic authentication. Credentials are
// sent only to the registry (or its token service) and never appear in errors or logs.
// Thread-safe for pulls of different images (blobs are shared by digest, written atomically).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "model/image_reference.hpp"
#include "model/schema.hpp"
#include "runtime/http/http_client.hpp"
#include "runtime/image/platform_choice.hpp"

namespace berth::runtime {

struct RegistryCredentials {
  std::string username;
  std::string password;
};

// The credentials for a registry host ("registry.example:5000", "docker.io"), if any.
using CredentialLookup = std::function<std::optional<RegistryCredentials>(const std::string& registry)>;

struct PullProgress {
  std::uint64_t bytes_done = 0;
  std::uint64_t bytes_total = 0;
  std::size_t layers_done = 0;
  std::size_t layers_total = 0;
};

struct PulledImage {
  std::string manifest_digest;              // what the image is pinned by: "sha256:..."
  model::Json config;
  std::string config_path;                  // its verified blob
  std::vector<std::string> layer_paths;     // verified blobs, bottom layer first
  std::vector<std::string> layer_digests;
};

struct RegistryOptions {
  std::string blob_dir;                      // <images>/blobs: sha256/<hex>[.partial]
  CredentialLookup credentials = [](const std::string&) { return std::nullopt; };
  // Tried over https first, then over plain http if the server does not speak TLS (loopback
  // registries always are).
  std::vector<std::string> insecure_registries;
  std::string ca_file;                       // extra trusted CAs (BERTH_REGISTRY_CA_FILE)
  Platform platform = build_platform();
  // Bytes that must stay free on the blob directory's filesystem beyond the pull's own need.
  std::uint64_t keep_free_bytes = 64ull << 20;
};

class RegistryClient {
 public:
  explicit RegistryClient(RegistryOptions options) : m_options(std::move(options)) {}

  // Pulls `ref`, with `credentials` (a task's repositoryCredentials) if given, else the
  // configured ones. Errors say why in words fit for CannotPullContainerError.
  [[nodiscard]] Result<PulledImage> pull(const model::ImageReference& ref,
                                         const std::function<void(const PullProgress&)>& progress = {},
                                         const std::optional<RegistryCredentials>& credentials = std::nullopt);

 private:
  struct Session;
  Result<HttpResponse> get(Session& session, const std::string& path, HttpHeaders headers, const HttpSink& sink = {});
  Result<model::Json> manifest(Session& session, const std::string& reference, std::string& digest, std::string& media_type);
  Result<std::string> blob(Session& session, const std::string& digest, std::uint64_t size,
                           const std::function<void(std::uint64_t)>& on_bytes);

  RegistryOptions m_options;
};

}  // namespace berth::runtime
