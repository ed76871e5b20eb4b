// The check of a TLS server addressed by IP: mbedTLS 2.28 matches only DNS names, so a server
// addressed by an IP address (as on a plant network) must present that address in an iPAddress
// subjectAltName, checked here on the leaf certificate. Shared by the HTTPS client and the shim's
// syslog over TLS. Thread-safe (each connection has its own IpName).
#pragma once

#include <mbedtls/x509_crt.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace berth::runtime {

struct IpName {
  unsigned char bytes[16];
  std::size_t size = 0;  // 4, 16, or 0 when the host is a name
};

// Returns `host` as an address (size 0 when it is a name).
IpName ip_name(const std::string& host);

// An mbedtls_ssl_conf_verify callback, `context` an IpName: flags the leaf certificate
// MBEDTLS_X509_BADCERT_CN_MISMATCH unless one of its iPAddress names is that address.
int verify_ip_name(void* context, mbedtls_x509_crt* certificate, int depth, std::uint32_t* flags);

}  // namespace berth::runtime
