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
#include "runtime/image/image_manifest.hpp"
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

}  // namespace

struct RegistryClient::Session {
  std::string registry;     // as written in the reference ("docker.io", "host:5000")
  std::string repository;
  std::string base_url;     // "http://host:5000"
  std::string plain_url;     // insecure registries: where to go if https finds no TLS
  std::string authorization;
  std::optional<RegistryCredentials> task_credentials;  // a task's repositoryCredentials
  bool authorized = false;  // an Authorization was obtained; a second 401 is final
};

Result<HttpResponse> RegistryClient::get(Session& s, const std::string& path, HttpHeaders headers, const HttpSink& sink) {
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

Result<Json> RegistryClient::manifest(Session& s, const std::string& reference, std::string& digest, std::string& media_type) {
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

Result<std::string> RegistryClient::blob(Session& s, const std::string& digest, std::uint64_t size,
                                         const std::function<void(std::uint64_t)>& on_bytes) {
  if (!is_sha256_digest(digest)) return pull_error("unsupported digest '" + digest + "'");
  const std::string dir = m_options.blob_dir + "/sha256";
  BERTH_TRY(make_dirs(dir, 0700));
  const std::string final_path = dir + "/" + digest.substr(7);
  const std::string partial = final_path + ".partial";
  if (auto have = sha256_file(final_path); have && "sha256:" + *have == digest) {
    on_bytes(size);
    return final_path;
  }
  // A broken download leaves its bytes: continue from them (up to three tries per pull).
  for (int attempt = 0; attempt < 3; ++attempt) {
    struct stat st {};
    std::uint64_t offset = ::stat(partial.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
    if (offset > size) {
      ::unlink(partial.c_str());
      offset = 0;
    }
    Sha256 hasher;
    if (offset > 0) BERTH_TRY(hasher.update_from_file(partial));
    const int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) return sys_fail("open " + partial);
    on_bytes(offset);
    std::uint64_t written = offset;
    bool first = true, failed_write = false;
    const HttpSink sink = [&](int status, std::string_view bytes) {
      if (first && status == 200 && written > 0) {
        // The registry ignored the range: start over.
        if (::ftruncate(fd, 0) != 0) return false;
        hasher = Sha256();
        written = 0;
      }
      first = false;
      if (written + bytes.size() > size) return false;
      for (std::size_t done = 0; done < bytes.size();) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n <= 0) {
          failed_write = true;
          return false;
        }
        done += static_cast<std::size_t>(n);
      }
      hasher.update(bytes);
      written += bytes.size();
      on_bytes(bytes.size());
      return true;
    };
    HttpHeaders headers;
    if (offset > 0) headers.emplace_back("Range", "bytes=" + std::to_string(offset) + "-");
    auto reply = offset == size ? Result<HttpResponse>(HttpResponse{416, {}, {}, {}})
                                : get(s, "/v2/" + s.repository + "/blobs/" + digest, headers, sink);
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    if (failed_write || !synced) return pull_error("cannot write " + partial + " (disk full?)");
    if (!reply) {
      if (written > offset && attempt < 2) continue;  // made progress: resume
      return std::unexpected(reply.error());
    }
    if (reply->status != 200 && reply->status != 206 && reply->status != 416) {
      return pull_error("blob " + digest + ": HTTP " + std::to_string(reply->status) + " " + registry_says(reply->body));
    }
    if (written < size) {
      if (attempt < 2) continue;
      return pull_error("blob " + digest + " ended after " + std::to_string(written) + " of " + std::to_string(size) + " bytes");
    }
    const std::string actual = "sha256:" + hasher.hex_digest();
    if (actual != digest) {
      ::unlink(partial.c_str());
      return pull_error("blob " + digest + " does not match its digest (got " + actual + "); the registry served corrupt data");
    }
    if (::rename(partial.c_str(), final_path.c_str()) != 0) return sys_fail("rename " + partial);
    return final_path;
  }
  return pull_error("blob " + digest + " could not be completed");
}

Result<PulledImage> RegistryClient::pull(const model::ImageReference& ref,
                                         const std::function<void(const PullProgress&)>& progress,
                                         const std::optional<RegistryCredentials>& credentials) {
  Session s;
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
  PullProgress state;
  state.layers_total = decoded->layers.size();
  std::uint64_t total = decoded->config.size;
  for (const auto& layer : decoded->layers) total += layer.size;
  state.bytes_total = total;
  // Room for the compressed blobs and the unpacked root (estimated at twice their size).
  struct statvfs fs {};
  BERTH_TRY(make_dirs(m_options.blob_dir, 0700));
  if (::statvfs(m_options.blob_dir.c_str(), &fs) == 0) {
    const std::uint64_t free_bytes = static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize;
    const std::uint64_t need = total * 3 + m_options.keep_free_bytes;
    if (free_bytes < need) {
      return pull_error("not enough free space in " + m_options.blob_dir + ": the pull needs about " +
                        std::to_string(need >> 20) + " MiB, " + std::to_string(free_bytes >> 20) + " MiB are free");
    }
  }
  const auto count = [&](std::uint64_t n) {
    state.bytes_done += n;
    if (progress) progress(state);
  };
  PulledImage out;
  out.manifest_digest = digest;
  BERTH_ASSIGN(out.config_path, blob(s, decoded->config.digest, decoded->config.size, count));
  BERTH_ASSIGN(auto config_text, read_file(out.config_path));
  auto config = model::parse_json(config_text, "the image config");
  if (!config || !config->is_object()) return pull_error(config ? "the image config is not a JSON object" : config.error().message);
  out.config = std::move(*config);
  if (auto checked = decode_image_config(out.config); !checked) return pull_error(checked.error().message);
  for (const auto& layer : decoded->layers) {
    BERTH_ASSIGN(auto path, blob(s, layer.digest, layer.size, count));
    out.layer_paths.push_back(path);
    out.layer_digests.push_back(layer.digest);
    ++state.layers_done;
    if (progress) progress(state);
  }
  return out;
}

}  // namespace berth::runtime
