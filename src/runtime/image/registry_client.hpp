// Pulls images by the OCI distribution protocol: manifest negotiation (OCI index, Docker
// manifest list, OCI and Docker manifests), platform selection, the config fetched into memory,
// the layers fetched concurrently (bounded) and unpacked while they download (layer_pipeline.hpp),
// every blob verified by digest as it streams, a broken download resumed (HTTP Range) from the
// bytes already passed on, and anonymous, bearer-token and basic authentication. Credentials are
// sent only to the registry (or its token service) and never appear in errors or logs.
// Thread-safe for pulls of different images (a layer's spill file is locked by its stream).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "model/image_reference.hpp"
#include "model/schema.hpp"
#include "runtime/http/http_client.hpp"
#include "runtime/image/blob_verifier.hpp"
#include "runtime/image/image_manifest.hpp"
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

// The registry, repository and authorization one pull works with (registry_client.cpp).
struct RegistrySession;

// An image whose manifest and config are fetched and verified; its layers are not yet.
struct ResolvedImage {
  std::string manifest_digest;  // what the image is pinned by: "sha256:..."
  model::Json config;
  std::uint64_t config_size = 0;
  std::vector<Descriptor> layers;  // bottom first
  std::shared_ptr<const RegistrySession> session;
};

struct RegistryOptions {
  std::string blob_dir;                      // <images>/blobs: sha256/<hex>.partial, spilled layers
  CredentialLookup credentials = [](const std::string&) { return std::nullopt; };
  // Tried over https first, then over plain http if the server does not speak TLS (loopback
  // registries always are).
  std::vector<std::string> insecure_registries;
  std::string ca_file;                       // extra trusted CAs (BERTH_REGISTRY_CA_FILE)
  Platform platform = build_platform();
  // Bytes that must stay free on the blob directory's filesystem beyond the pull's own need.
  std::uint64_t keep_free_bytes = 64ull << 20;
  // Layers of one image downloaded at once.
  std::size_t max_layer_fetches = 3;
};

class RegistryClient {
 public:
  explicit RegistryClient(RegistryOptions options) : m_options(std::move(options)) {}

  // Fetches the manifest of `ref` (resolving an index to this machine's platform) and the
  // config, with `credentials` (a task's repositoryCredentials) if given, else the configured
  // ones, after checking there is room for the image. Errors say why in words fit for
  // CannotPullContainerError.
  [[nodiscard]] Result<ResolvedImage> resolve(const model::ImageReference& ref,
                                              const std::optional<RegistryCredentials>& credentials = std::nullopt);
  // Fetches the layers of `image` and applies them in order onto `root` (an existing, empty,
  // private directory) while they download. On error `root` is partly written: callers unpack
  // into a scratch directory and drop it.
  [[nodiscard]] Result<void> unpack_layers(const ResolvedImage& image, const std::string& root,
                                           const std::function<void(const PullProgress&)>& progress = {});

 private:
  Result<HttpResponse> get(RegistrySession& session, const std::string& path, HttpHeaders headers, const HttpSink& sink = {});
  Result<model::Json> manifest(RegistrySession& session, const std::string& reference, std::string& digest, std::string& media_type);
  // Downloads blob `digest` past the bytes `verifier` has seen, giving each new byte to
  // `consume` once and in order; returns the verifier's verdict.
  Result<void> fetch_blob(RegistrySession& session, const std::string& digest, BlobVerifier& verifier,
                          const std::function<bool(std::string_view)>& consume,
                          const std::function<void(std::uint64_t)>& on_bytes);

  RegistryOptions m_options;
};

}  // namespace berth::runtime
