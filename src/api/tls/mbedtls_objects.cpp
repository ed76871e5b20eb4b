#include "api/tls/mbedtls_objects.hpp"

#include <mbedtls/error.h>
#include <mbedtls/sha256.h>

namespace berth::api::tls {

std::string tls_error_text(int code) {
  char text[160];
  mbedtls_strerror(code, text, sizeof text);
  return text;
}

std::unexpected<Error> tls_fail(std::string_view what, int code) {
  return fail(Code::server, std::string(what) + ": " + tls_error_text(code));
}

Result<void> PrivateKey::parse(const std::string& pem, const std::string& path) {
  // The PEM parser wants the terminating NUL counted in the length.
  const int rc = mbedtls_pk_parse_key(&m_key, reinterpret_cast<const unsigned char*>(pem.c_str()), pem.size() + 1,
                                      nullptr, 0);
  if (rc == MBEDTLS_ERR_PK_PASSWORD_REQUIRED) {
    return fail(Code::invalid_parameter, "the TLS key " + path + " is encrypted; berth needs it unencrypted");
  }
  if (rc != 0) return fail(Code::invalid_parameter, "the TLS key " + path + " is not a private key: " + tls_error_text(rc));
  return {};
}

Result<void> Certificate::parse(const std::string& pem, const std::string& path) {
  if (pem.find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
    return fail(Code::invalid_parameter, "the TLS certificate " + path + " holds no PEM certificate");
  }
  const int rc = mbedtls_x509_crt_parse(&m_chain, reinterpret_cast<const unsigned char*>(pem.c_str()), pem.size() + 1);
  if (rc != 0) {
    return fail(Code::invalid_parameter, "the TLS certificate " + path + " does not parse" +
                                             (rc > 0 ? " (" + std::to_string(rc) + " of its certificates)"
                                                     : ": " + tls_error_text(rc)));
  }
  return {};
}

Result<void> Certificate::check_key(PrivateKey& key, const CertificatePaths& paths) {
  if (mbedtls_pk_check_pair(&m_chain.pk, key.get()) != 0) {
    return fail(Code::invalid_parameter,
                "the TLS key " + paths.private_key + " does not belong to the certificate " + paths.certificate);
  }
  return {};
}

std::string Certificate::fingerprint() const {
  unsigned char digest[32];
  mbedtls_sha256_ret(m_chain.raw.p, m_chain.raw.len, digest, 0);
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char byte : digest) {
    if (!out.empty()) out += ':';
    out += k_hex[byte >> 4];
    out += k_hex[byte & 0xf];
  }
  return out;
}

}  // namespace berth::api::tls
