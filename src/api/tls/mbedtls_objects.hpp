// RAII owners of the mbedTLS objects the TLS code shares (a parsed certificate chain, a private
// key) and the one way an mbedTLS return code becomes an Error. For src/api/tls/ only.
// Thread-compatible.
#pragma once

#include <mbedtls/pk.h>
#include <mbedtls/x509_crt.h>

#include <string>
#include <string_view>

#include "api/tls/tls_certificate.hpp"
#include "common/result.hpp"

namespace berth::api::tls {

// Returns mbedTLS's text for `code`.
std::string tls_error_text(int code);

// Returns ServerException "<what>: <mbedTLS's text>".
[[nodiscard]] std::unexpected<Error> tls_fail(std::string_view what, int code);

class PrivateKey {
 public:
  PrivateKey() { mbedtls_pk_init(&m_key); }
  ~PrivateKey() { mbedtls_pk_free(&m_key); }
  PrivateKey(const PrivateKey&) = delete;
  PrivateKey& operator=(const PrivateKey&) = delete;

  // Parses an unencrypted PEM (or DER) private key; `path` names it in errors.
  [[nodiscard]] Result<void> parse(const std::string& pem, const std::string& path);
  mbedtls_pk_context* get() { return &m_key; }

 private:
  mbedtls_pk_context m_key;
};

class Certificate {
 public:
  Certificate() { mbedtls_x509_crt_init(&m_chain); }
  ~Certificate() { mbedtls_x509_crt_free(&m_chain); }
  Certificate(const Certificate&) = delete;
  Certificate& operator=(const Certificate&) = delete;

  // Parses every certificate of a PEM chain (leaf first); `path` names it in errors.
  [[nodiscard]] Result<void> parse(const std::string& pem, const std::string& path);
  // Checks that `key` is the private key of the leaf certificate.
  [[nodiscard]] Result<void> check_key(PrivateKey& key, const CertificatePaths& paths);
  // The leaf's SHA-256 fingerprint, upper-case hex joined by ':'.
  std::string fingerprint() const;
  mbedtls_x509_crt* get() { return &m_chain; }

 private:
  mbedtls_x509_crt m_chain;
};

// Reads and parses the PEM chain and key at `paths` and checks that they belong together.
[[nodiscard]] Result<void> load_pem_pair(const CertificatePaths& paths, Certificate& chain, PrivateKey& key);

}  // namespace berth::api::tls
