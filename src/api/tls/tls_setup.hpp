// Which TLS the API's TCP listener speaks, from the configuration: the mode (auto, on, off)
// against the listen address, and which certificate files (the operator's, or the generated
// pair under the data directory). Pure functions, except prepare_tls, which may write the
// generated pair once. Thread-safe.
#pragma once

#include <memory>
#include <string>

#include "api/tls/tls_certificate.hpp"
#include "api/tls/tls_server.hpp"
#include "common/config.hpp"
#include "common/result.hpp"

namespace berth::api::tls {

// True when `listen` ("host:port") binds to loopback only: 127.0.0.0/8, ::1 or "localhost".
// An empty host, 0.0.0.0, :: and any other name or address count as beyond loopback.
bool is_loopback_listen(const std::string& listen);

struct TlsPlan {
  bool enabled = false;
  // TLS was turned off (BERTH_TLS=off) on a listener that is reachable beyond loopback.
  bool off_beyond_loopback = false;
  // The operator's files, or the generated pair's.
  CertificatePaths paths;
  bool generated = true;  // the paths are the generated pair's
};

// Returns what `config` asks for; InvalidParameter when only one of the cert and key is given.
[[nodiscard]] Result<TlsPlan> plan_tls(const Config& config);

struct PreparedTls {
  std::shared_ptr<TlsServerConfig> server;
  Generated generated = Generated::no;  // the pair was made by this call
};

// For an enabled plan: generates the pair if it is the generated one and absent, then loads it.
[[nodiscard]] Result<PreparedTls> prepare_tls(const TlsPlan& plan);

}  // namespace berth::api::tls
