#include "runtime/tls/ip_name_check.hpp"

#include <arpa/inet.h>
#include <mbedtls/asn1.h>

#include <algorithm>

namespace berth::runtime {

IpName ip_name(const std::string& host) {
  IpName ip;
  if (::inet_pton(AF_INET, host.c_str(), ip.bytes) == 1) ip.size = 4;
  else if (::inet_pton(AF_INET6, host.c_str(), ip.bytes) == 1) ip.size = 16;
  return ip;
}

int verify_ip_name(void* context, mbedtls_x509_crt* certificate, int depth, std::uint32_t* flags) {
  if (depth != 0) return 0;
  const auto* ip = static_cast<const IpName*>(context);
  for (const mbedtls_x509_sequence* san = &certificate->subject_alt_names; san && san->buf.p; san = san->next) {
    if (san->buf.tag == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 7) && san->buf.len == ip->size &&
        std::equal(san->buf.p, san->buf.p + ip->size, ip->bytes)) {
      return 0;
    }
  }
  *flags |= MBEDTLS_X509_BADCERT_CN_MISMATCH;
  return 0;
}

}  // namespace berth::runtime
