#include "runtime/image/registry_client.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <map>

#include "common/base64.hpp"
#include "common/files.hpp"
#include "common/sha256.hpp"
#include "runtime/image/blob_verifier.hpp"
#include "runtime/image/image_manifest.hpp"
#include "runtime/image/layer_pipeline.hpp"
#include "runtime/image/layer_unpacker.hpp"
#include "model/json_parse.hpp"

namespace berth::runtime {

using model::Json;

namespace {

constexpr const char* k_accept =
    "application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json";

std::string url_encode(const std::string& s) {
  std::string out;
  for (const unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

// `Bearer realm="...",service="...",scope="..."` → scheme and parameters.
std::pair<std::string, std::map<std::string, std::string>> parse_challenge(const std::string& header) {
  const auto space = header.find(' ');
  std::string scheme = header.substr(0, space);
  for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::map<std::string, std::string> params;
  std::size_t at = space == std::string::npos ? header.size() : space + 1;
  while (at < header.size()) {
    const auto eq = header.find('=', at);
    if (eq == std::string::npos) break;
    std::string key = header.substr(at, eq - at);
    while (!key.empty() && (key.front() == ' ' || key.front() == ',')) key.erase(0, 1);
    std::string value;
    at = eq + 1;
    if (at < header.size() && header[at] == '"') {
      const auto close = header.find('"', at + 1);
      value = header.substr(at + 1, close == std::string::npos ? std::string::npos : close - at - 1);
      at = close == std::string::npos ? header.size() : close + 1;
    } else {
      const auto comma = header.find(',', at);
      value = header.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
      at = comma == std::string::npos ? header.size() : comma;
    }
    params[key] = value;
    while (at < header.size() && (header[at] == ',' || header[at] == ' ')) ++at;
  }
  return {scheme, params};
}

// The registry's own words from an error body ({"errors":[{"code","message"}]}), if any.
std::string registry_says(const std::string& body) {
  const Json j = model::parse_json(body, "error body").value_or(Json());
  if (!j.is_object() || !j.contains("errors") || !j["errors"].is_array() || j["errors"].empty()) return "";
  const Json& e = j["errors"][0];
  return e.is_object() ? e.value("code", std::string()) + ": " + e.value("message", std::string()) : "";
}

std::unexpected<Error> pull_error(const std::string& message) { return fail(Code::server, message); }

// An image config larger than this is refused (real ones are a few KiB): it is held in memory.
constexpr std::uint64_t k_max_config_bytes = 8u << 20;
// Bytes one layer's download may hold in memory for its unpacker (layer_stream.hpp).
constexpr std::size_t k_stream_memory = 1u << 20;

}  // namespace

struct RegistrySession {
  std::string registry;     // as written in the reference ("docker.io", "host:5000")
  std::string repository;
  std::string base_url;     // "http://host:5000"
  std::string plain_url;     // insecure registries: where to go if https finds no TLS
  std::string authorization;
  std::optional<RegistryCredentials> task_credentials;  // a task's repositoryCredentials
  bool authorized = false;  // an Authorization was obtained; a second 401 is final
};

Result<HttpResponse> RegistryClient::get(RegistrySession& s, const std::string& path, HttpHeaders headers, const HttpSink& sink) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    HttpHeaders sent = headers;
    if (!s.authorization.empty()) sent.emplace_back("Authorization", s.authorization);
    const HttpOptions http{30, m_options.ca_file};
    auto reply = http_get(s.base_url + path, sent, sink, http);
    if (!reply && reply.error().sys_errno == EPROTO && !s.plain_url.empty()) {
      s.base_url = s.plain_url;  // an insecure registry without TLS: plain http from now on
      s.plain_url.clear();
      reply = http_get(s.base_url + path, sent, sink, http);
    }
    if (!reply) return std::unexpected(reply.error());
    s.plain_url.clear();
    HttpResponse& response = *reply;
    if (response.status != 401) return response;
    const auto credentials = s.task_credentials ? s.task_credentials : m_options.credentials(s.registry);
    if (s.authorized) {
      return pull_error("registry " + s.registry + " refused the " + (credentials ? "configured credentials" : "anonymous access") +
                        " (HTTP 401)");
    }
    const auto [scheme, params] = parse_challenge(response.headers["www-authenticate"]);
    if (scheme == "basic") {
      if (!credentials) {
        return pull_error("registry " + s.registry + " requires credentials; set ECS_ENGINE_AUTH_TYPE and ECS_ENGINE_AUTH_DATA");
      }
      s.authorization = "Basic " + base64_encode(credentials->username + ":" + credentials->password);
    } else if (scheme == "bearer" && params.contains("realm")) {
      std::string url = params.at("realm") + "?service=" + url_encode(params.contains("service") ? params.at("service") : "");
      url += "&scope=" + url_encode(params.contains("scope") ? params.at("scope") : "repository:" + s.repository + ":pull");
      HttpHeaders token_headers;
      if (credentials) {
        token_headers.emplace_back("Authorization", "Basic " + base64_encode(credentials->username + ":" + credentials->password));
      }
      BERTH_ASSIGN(auto token_reply, http_get(url, token_headers, {}, HttpOptions{30, m_options.ca_file}));
      if (token_reply.status == 401 || token_reply.status == 403) {
        return pull_error("the token service of registry " + s.registry + " refused the " +
                          (credentials ? "configured credentials" : "anonymous request") + " (HTTP " +
                          std::to_string(token_reply.status) + ")");
      }
      const Json token = model::parse_json(token_reply.body, "token reply").value_or(Json());
      const std::string value = token.is_object() ? token.value("token", token.value("access_token", std::string())) : "";
      if (token_reply.status != 200 || value.empty()) {
        return pull_error("the token service of registry " + s.registry + " gave no token (HTTP " +
                          std::to_string(token_reply.status) + ")");
      }
      s.authorization = "Bearer " + value;
    } else {
      return pull_error("registry " + s.registry + " asks for an authentication scheme berth does not speak");
    }
    s.authorized = true;
  }
  return pull_error("registry " + s.registry + " kept refusing access");
}

Result<Json> RegistryClient::manifest(RegistrySession& s, const std::string& reference, std::string& digest, std::string& media_type) {
  BERTH_ASSIGN(auto reply, get(s, "/v2/" + s.repository + "/manifests/" + reference, {{"Accept", k_accept}}));
  if (reply.status == 404) {
    return pull_error(s.registry + "/" + s.repository + ":" + reference + " not found (" + registry_says(reply.body) + ")");
  }
  if (reply.status != 200) {
    return pull_error("manifest " + reference + ": HTTP " + std::to_string(reply.status) + " " + registry_says(reply.body));
  }
  Sha256 hasher;
  hasher.update(reply.body);
  const std::string actual = "sha256:" + hasher.hex_digest();
  if (is_sha256_digest(reference) && actual != reference) {
    return pull_error("manifest " + reference + " does not match its digest (got " + actual + ")");
  }
  digest = actual;
  const auto parsed = model::parse_json(reply.body, "manifest " + reference);
  if (!parsed || !parsed->is_object()) return pull_error(parsed ? "manifest " + reference + " is not a JSON object" : parsed.error().message);
  const Json& body = *parsed;
  auto kind = manifest_media_type(body, reply.headers["content-type"]);
  if (!kind) return pull_error("manifest " + reference + ": " + kind.error().message);
  media_type = *kind;
  return body;
}

Result<void> RegistryClient::fetch_blob(RegistrySession& s, const std::string& digest, BlobVerifier& verifier,
                                        const std::function<bool(std::string_view)>& consume,
                                        const std::function<void(std::uint64_t)>& on_bytes) {
  // A broken download continues from the bytes already passed on (up to three tries).
  for (int attempt = 0; attempt < 3 && !verifier.complete(); ++attempt) {
    const std::uint64_t offset = verifier.bytes();
    std::uint64_t skip = 0;
    bool first = true, overrun = false, refused = false;
    const HttpSink sink = [&](int status, std::string_view bytes) {
      // The registry ignored the range: what it sends first was passed on already.
      if (first && status == 200 && offset > 0) skip = offset;
      first = false;
      const auto dropped = static_cast<std::size_t>(std::min<std::uint64_t>(skip, bytes.size()));
      bytes.remove_prefix(dropped);
      skip -= dropped;
      if (bytes.empty()) return true;
      if (!verifier.add(bytes)) {
        overrun = true;
        return false;
      }
      if (!consume(bytes)) {
        refused = true;
        return false;
      }
      on_bytes(bytes.size());
      return true;
    };
    HttpHeaders headers;
    if (offset > 0) headers.emplace_back("Range", "bytes=" + std::to_string(offset) + "-");
    auto reply = get(s, "/v2/" + s.repository + "/blobs/" + digest, headers, sink);
    if (refused) return pull_error("blob " + digest + ": its reader stopped");
    if (overrun) return pull_error("blob " + digest + " is larger than the " + std::to_string(verifier.size()) + " bytes its descriptor says");
    if (!reply) {
      if (verifier.bytes() > offset && attempt < 2) continue;  // made progress: resume
      return std::unexpected(reply.error());
    }
    if (reply->status != 200 && reply->status != 206) {
      return pull_error("blob " + digest + ": HTTP " + std::to_string(reply->status) + " " + registry_says(reply->body));
    }
  }
  return verifier.verdict();
}

Result<ResolvedImage> RegistryClient::resolve(const model::ImageReference& ref,
                                              const std::optional<RegistryCredentials>& credentials) {
  auto session = std::make_shared<RegistrySession>();
  RegistrySession& s = *session;
  s.task_credentials = credentials;
  s.registry = ref.registry;
  s.repository = ref.repository;
  const bool insecure = std::find(m_options.insecure_registries.begin(), m_options.insecure_registries.end(), ref.registry) !=
                            m_options.insecure_registries.end() ||
                        ref.registry.starts_with("localhost") || ref.registry.starts_with("127.") || ref.registry.starts_with("[::1]");
  const std::string host = ref.registry == "docker.io" ? "registry-1.docker.io" : ref.registry;
  s.base_url = "https://" + host;
  if (insecure) s.plain_url = "http://" + host;

  std::string digest, media_type;
  BERTH_ASSIGN(auto manifest_json, manifest(s, ref.digest.empty() ? ref.tag : ref.digest, digest, media_type));
  if (is_index_media_type(media_type)) {
    auto index = decode_image_index(manifest_json);
    if (!index) return pull_error("index " + digest + ": " + index.error().message);
    const auto chosen = choose_platform(index->manifests, m_options.platform);
    if (!chosen) {
      std::string offered;
      for (const auto& e : index->manifests) {
        if (e.platform) offered += " " + e.platform->os + "/" + e.platform->architecture + (e.platform->variant.empty() ? "" : "/" + e.platform->variant);
      }
      return pull_error("no image for " + m_options.platform.os + "/" + m_options.platform.architecture +
                        (m_options.platform.variant.empty() ? "" : "/" + m_options.platform.variant) + " in the index (it offers" + offered + ")");
    }
    const std::string wanted = index->manifests[*chosen].digest;
    if (!is_sha256_digest(wanted)) return pull_error("the index names an unsupported digest");
    BERTH_ASSIGN(manifest_json, manifest(s, wanted, digest, media_type));
    if (is_index_media_type(media_type)) return pull_error("an index inside an index is not supported");
  }
  auto decoded = decode_image_manifest(manifest_json);
  if (!decoded) return pull_error("manifest " + digest + ": " + decoded.error().message);
  std::uint64_t total = decoded->config.size;
  for (const auto& layer : decoded->layers) total += layer.size;
  // Room for the spilled layers and the unpacked root (estimated at twice their size).
  struct statvfs fs {};
  BERTH_TRY(make_dirs(m_options.blob_dir + "/sha256", 0700));
  if (::statvfs(m_options.blob_dir.c_str(), &fs) == 0) {
    const std::uint64_t free_bytes = static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize;
    const std::uint64_t need = total * 3 + m_options.keep_free_bytes;
    if (free_bytes < need) {
      return pull_error("not enough free space in " + m_options.blob_dir + ": the pull needs about " +
                        std::to_string(need >> 20) + " MiB, " + std::to_string(free_bytes >> 20) + " MiB are free");
    }
  }
  // The config is small and needed whole: it is fetched into memory, never to disk.
  if (decoded->config.size > k_max_config_bytes) {
    return pull_error("the image config " + decoded->config.digest + " is larger than " + std::to_string(k_max_config_bytes >> 20) + " MiB");
  }
  std::string config_text;
  BlobVerifier config_check(decoded->config.digest, decoded->config.size);
  BERTH_TRY(fetch_blob(s, decoded->config.digest, config_check, [&](std::string_view bytes) {
    config_text += bytes;
    return true;
  }, [](std::uint64_t) {}));
  auto config = model::parse_json(config_text, "the image config");
  if (!config || !config->is_object()) return pull_error(config ? "the image config is not a JSON object" : config.error().message);
  if (auto checked = decode_image_config(*config); !checked) return pull_error(checked.error().message);
  ResolvedImage out;
  out.manifest_digest = digest;
  out.config = std::move(*config);
  out.config_size = decoded->config.size;
  out.layers = std::move(decoded->layers);
  out.session = std::move(session);
  return out;
}

Result<void> RegistryClient::unpack_layers(const ResolvedImage& image, const std::string& root,
                                           const std::function<void(const PullProgress&)>& progress) {
  Mutex progress_mutex;  // the downloads count bytes from their threads
  PullProgress state;
  state.layers_total = image.layers.size();
  state.bytes_total = state.bytes_done = image.config_size;
  for (const auto& layer : image.layers) state.bytes_total += layer.size;
  const auto report = [&](std::uint64_t bytes, std::size_t layers) {
    MutexLock lock(progress_mutex);
    state.bytes_done += bytes;
    state.layers_done += layers;
    if (progress) progress(state);
  };
  LayerPipelineSteps steps;
  steps.spill_path = [&](std::size_t i) { return m_options.blob_dir + "/sha256/" + image.layers[i].digest.substr(7) + ".partial"; };
  steps.fetch = [&](std::size_t i, LayerStream& stream) -> Result<void> {
    const Descriptor& layer = image.layers[i];
    if (!is_sha256_digest(layer.digest)) return pull_error("unsupported digest '" + layer.digest + "'");
    RegistrySession s = *image.session;  // get() updates its session: one per thread
    BlobVerifier verifier(layer.digest, layer.size);
    // Bytes an earlier pull left: hashed again here and replayed to the unpacker by the stream.
    BERTH_ASSIGN(const std::uint64_t adopted, stream.adopt_spill(layer.size));
    if (adopted > 0) BERTH_TRY(verifier.add_file(steps.spill_path(i)));
    report(adopted, 0);
    auto verdict = fetch_blob(s, layer.digest, verifier, [&](std::string_view bytes) { return stream.write(bytes); },
                              [&](std::uint64_t n) { report(n, 0); });
    if (!verdict && verifier.complete()) stream.remove_spill();  // all there, and corrupt: start over next time
    return verdict;
  };
  steps.apply = [&](std::size_t i, LayerStream& stream) -> Result<void> {
    const std::string display = "layer " + image.layers[i].digest;
    // The stream's SHA-256 is checked at its end (layer_pipeline.hpp): gzip's CRC adds nothing.
    TarReader reader = TarReader::from_stream([&](char* out, std::size_t n) { return stream.read(out, n); }, display,
                                              LayerDecompressor::Integrity::digest_checked);
    BERTH_TRY(apply_layer(reader, root));
    report(0, 1);
    return {};
  };
  return run_layer_pipeline(image.layers.size(), steps, LayerPipelineLimits{m_options.max_layer_fetches, k_stream_memory});
}

}  // namespace berth::runtime
