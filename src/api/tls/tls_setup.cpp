#include "api/tls/tls_setup.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <filesystem>

namespace berth::api::tls {

bool is_loopback_listen(const std::string& listen) {
  const auto colon = listen.rfind(':');
  std::string host = colon == std::string::npos ? listen : listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host == "localhost") return true;
  in_addr v4{};
  if (::inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (::inet_pton(AF_INET6, host.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
  return false;
}

Result<TlsPlan> plan_tls(const Config& config) {
  if (config.tls_cert.empty() != config.tls_key.empty()) {
    return fail(Code::invalid_parameter, "BERTH_TLS_CERT (--tls-cert) and BERTH_TLS_KEY (--tls-key) go together");
  }
  TlsPlan plan;
  const bool beyond_loopback = !config.listen.empty() && !is_loopback_listen(config.listen);
  plan.enabled = !config.listen.empty() && (config.tls_mode == "on" || (config.tls_mode == "auto" && beyond_loopback));
  plan.off_beyond_loopback = config.tls_mode == "off" && beyond_loopback;
  plan.generated = config.tls_cert.empty();
  plan.paths = plan.generated ? generated_paths(config.tls_dir()) : CertificatePaths{config.tls_cert, config.tls_key};
  return plan;
}

Result<PreparedTls> prepare_tls(const TlsPlan& plan) {
  PreparedTls prepared;
  if (plan.generated) {
    const auto dir = std::filesystem::path(plan.paths.certificate).parent_path().string();
    BERTH_ASSIGN(prepared.generated, ensure_self_signed(dir, host_subject_names()));
  }
  BERTH_ASSIGN(prepared.server, TlsServerConfig::load(plan.paths));
  return prepared;
}

}  // namespace berth::api::tls
