#include "api/tls/tls_certificate.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <mbedtls/asn1write.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecp.h>
#include <mbedtls/entropy.h>
#include <mbedtls/oid.h>
#include <mbedtls/pk.h>
#include <mbedtls/sha256.h>
#include <mbedtls/x509_crt.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>

#include "api/tls/mbedtls_objects.hpp"
#include "common/files.hpp"

namespace berth::api::tls {
namespace {

constexpr std::size_t k_max_pem_bytes = 1 << 20;
constexpr int k_validity_years = 10;

// Every mbedTLS object certificate generation uses, freed together.
struct Generator {
  mbedtls_entropy_context entropy;
  mbedtls_ctr_drbg_context random;
  mbedtls_pk_context key;
  mbedtls_x509write_cert writer;
  mbedtls_mpi serial;
  Generator() {
    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&random);
    mbedtls_pk_init(&key);
    mbedtls_x509write_crt_init(&writer);
    mbedtls_mpi_init(&serial);
  }
  ~Generator() {
    mbedtls_mpi_free(&serial);
    mbedtls_x509write_crt_free(&writer);
    mbedtls_pk_free(&key);
    mbedtls_ctr_drbg_free(&random);
    mbedtls_entropy_free(&entropy);
  }
  Generator(const Generator&) = delete;
  Generator& operator=(const Generator&) = delete;
};

// "YYYYMMDDhhmmss" in UTC, as mbedtls_x509write_crt_set_validity takes it.
std::string x509_time(std::time_t t) {
  std::tm utc{};
  ::gmtime_r(&t, &utc);
  char text[16];
  std::strftime(text, sizeof text, "%Y%m%d%H%M%S", &utc);
  return text;
}

// The subjectAltName extension's value: SEQUENCE OF GeneralName, dNSName [2] and iPAddress [7].
// mbedTLS writes DER backwards, from the end of the buffer, so the names go in reverse.
Result<std::string> subject_alt_names_der(const SubjectNames& names) {
  std::string buffer(16 * 1024, '\0');
  auto* start = reinterpret_cast<unsigned char*>(buffer.data());
  unsigned char* p = start + buffer.size();
  std::size_t length = 0;
  const auto add = [&](unsigned char tag, const unsigned char* bytes, std::size_t size) -> Result<void> {
    int rc = mbedtls_asn1_write_raw_buffer(&p, start, bytes, size);
    if (rc >= 0) length += static_cast<std::size_t>(rc), rc = mbedtls_asn1_write_len(&p, start, size);
    if (rc >= 0) length += static_cast<std::size_t>(rc), rc = mbedtls_asn1_write_tag(&p, start, tag);
    if (rc < 0) return fail(Code::invalid_parameter, "too many names for the certificate");
    length += static_cast<std::size_t>(rc);
    return {};
  };
  for (auto it = names.ip_addresses.rbegin(); it != names.ip_addresses.rend(); ++it) {
    unsigned char address[16];
    std::size_t size = 0;
    if (::inet_pton(AF_INET, it->c_str(), address) == 1) size = 4;
    else if (::inet_pton(AF_INET6, it->c_str(), address) == 1) size = 16;
    else return fail(Code::invalid_parameter, "not an IP address: " + *it);
    BERTH_TRY(add(MBEDTLS_ASN1_CONTEXT_SPECIFIC | 7, address, size));
  }
  for (auto it = names.dns_names.rbegin(); it != names.dns_names.rend(); ++it) {
    BERTH_TRY(add(MBEDTLS_ASN1_CONTEXT_SPECIFIC | 2, reinterpret_cast<const unsigned char*>(it->data()), it->size()));
  }
  int rc = mbedtls_asn1_write_len(&p, start, length);
  if (rc >= 0) length += static_cast<std::size_t>(rc), rc = mbedtls_asn1_write_tag(&p, start, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE);
  if (rc < 0) return fail(Code::invalid_parameter, "too many names for the certificate");
  length += static_cast<std::size_t>(rc);
  return std::string(reinterpret_cast<const char*>(p), length);
}

// extKeyUsage = serverAuth: SEQUENCE { OID 1.3.6.1.5.5.7.3.1 }.
std::string server_auth_der() {
  const std::string oid = MBEDTLS_OID_SERVER_AUTH;
  std::string der;
  der += static_cast<char>(MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE);
  der += static_cast<char>(oid.size() + 2);
  der += static_cast<char>(MBEDTLS_ASN1_OID);
  der += static_cast<char>(oid.size());
  return der + oid;
}

// A Distinguished Name value escaped for mbedtls_x509write_crt_set_subject_name ("CN=...").
std::string dn_value(const std::string& value) {
  std::string out;
  for (const char c : value) {
    if (c == ',' || c == '=' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

Result<std::string> read_pem(const std::string& path, const char* what) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) return sys_fail("cannot read the TLS " + std::string(what) + " " + path);
  if (static_cast<std::size_t>(st.st_size) > k_max_pem_bytes) {
    return fail(Code::invalid_parameter, "the TLS " + std::string(what) + " " + path + " is larger than 1 MiB");
  }
  auto text = read_file(path);
  if (!text) return std::unexpected(text.error().wrap("cannot read the TLS " + std::string(what)));
  return std::move(*text);
}

}  // namespace

SubjectNames host_subject_names() {
  SubjectNames names;
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') std::strcpy(host, "localhost");
  names.common_name = host;
  names.dns_names.push_back(host);
  if (names.common_name != "localhost") names.dns_names.push_back("localhost");
  names.ip_addresses = {"127.0.0.1", "::1"};
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return names;
  for (const ifaddrs* a = list; a; a = a->ifa_next) {
    if (!a->ifa_addr || !(a->ifa_flags & IFF_UP) || (a->ifa_flags & IFF_LOOPBACK)) continue;
    char text[INET6_ADDRSTRLEN] = {};
    if (a->ifa_addr->sa_family == AF_INET) {
      const auto& in = reinterpret_cast<const sockaddr_in&>(*a->ifa_addr);
      if ((ntohl(in.sin_addr.s_addr) >> 16) == 0xa9fe) continue;  // 169.254/16
      ::inet_ntop(AF_INET, &in.sin_addr, text, sizeof text);
    } else if (a->ifa_addr->sa_family == AF_INET6) {
      const auto& in6 = reinterpret_cast<const sockaddr_in6&>(*a->ifa_addr);
      if (IN6_IS_ADDR_LINKLOCAL(&in6.sin6_addr)) continue;
      ::inet_ntop(AF_INET6, &in6.sin6_addr, text, sizeof text);
    } else {
      continue;
    }
    if (std::find(names.ip_addresses.begin(), names.ip_addresses.end(), text) == names.ip_addresses.end()) {
      names.ip_addresses.push_back(text);
    }
  }
  ::freeifaddrs(list);
  return names;
}

Result<PemPair> generate_self_signed(const SubjectNames& names) {
  Generator g;
  const char personalization[] = "berth-tls-certificate";
  int rc = mbedtls_ctr_drbg_seed(&g.random, mbedtls_entropy_func, &g.entropy,
                                 reinterpret_cast<const unsigned char*>(personalization), sizeof personalization - 1);
  if (rc != 0) return tls_fail("TLS random source", rc);
  rc = mbedtls_pk_setup(&g.key, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY));
  if (rc == 0) rc = mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(g.key), mbedtls_ctr_drbg_random, &g.random);
  if (rc != 0) return tls_fail("cannot generate the TLS key", rc);

  // A positive 127-bit random serial: unique without any state to keep.
  unsigned char serial[16];
  rc = mbedtls_ctr_drbg_random(&g.random, serial, sizeof serial);
  serial[0] &= 0x7f;
  serial[0] |= 0x40;
  if (rc == 0) rc = mbedtls_mpi_read_binary(&g.serial, serial, sizeof serial);
  if (rc != 0) return tls_fail("cannot make a certificate serial number", rc);

  BERTH_ASSIGN(const std::string alt_names, subject_alt_names_der(names));
  const std::string extended_usage = server_auth_der();
  const std::string dn = "CN=" + dn_value(names.common_name);
  const std::time_t now = std::time(nullptr);
  const std::time_t day = 24 * 60 * 60;
  // A day back: a gateway whose clock is a little behind the client's still validates.
  const std::string not_before = x509_time(now - day);
  const std::string not_after = x509_time(now + k_validity_years * 365 * day);

  mbedtls_x509write_cert* w = &g.writer;
  mbedtls_x509write_crt_set_version(w, MBEDTLS_X509_CRT_VERSION_3);
  mbedtls_x509write_crt_set_md_alg(w, MBEDTLS_MD_SHA256);
  mbedtls_x509write_crt_set_subject_key(w, &g.key);
  mbedtls_x509write_crt_set_issuer_key(w, &g.key);
  rc = mbedtls_x509write_crt_set_subject_name(w, dn.c_str());
  if (rc == 0) rc = mbedtls_x509write_crt_set_issuer_name(w, dn.c_str());
  if (rc == 0) rc = mbedtls_x509write_crt_set_serial(w, &g.serial);
  if (rc == 0) rc = mbedtls_x509write_crt_set_validity(w, not_before.c_str(), not_after.c_str());
  if (rc == 0) rc = mbedtls_x509write_crt_set_basic_constraints(w, 0, -1);
  if (rc == 0) rc = mbedtls_x509write_crt_set_subject_key_identifier(w);
  if (rc == 0) rc = mbedtls_x509write_crt_set_authority_key_identifier(w);
  if (rc == 0) rc = mbedtls_x509write_crt_set_key_usage(w, MBEDTLS_X509_KU_DIGITAL_SIGNATURE);
  if (rc == 0) {
    rc = mbedtls_x509write_crt_set_extension(w, MBEDTLS_OID_EXTENDED_KEY_USAGE, MBEDTLS_OID_SIZE(MBEDTLS_OID_EXTENDED_KEY_USAGE), 0,
                                             reinterpret_cast<const unsigned char*>(extended_usage.data()),
                                             extended_usage.size());
  }
  if (rc == 0) {
    rc = mbedtls_x509write_crt_set_extension(w, MBEDTLS_OID_SUBJECT_ALT_NAME, MBEDTLS_OID_SIZE(MBEDTLS_OID_SUBJECT_ALT_NAME), 0,
                                             reinterpret_cast<const unsigned char*>(alt_names.data()), alt_names.size());
  }
  if (rc != 0) return tls_fail("cannot build the certificate for " + names.common_name, rc);

  PemPair pem;
  pem.certificate.assign(32 * 1024, '\0');
  rc = mbedtls_x509write_crt_pem(w, reinterpret_cast<unsigned char*>(pem.certificate.data()), pem.certificate.size(),
                                 mbedtls_ctr_drbg_random, &g.random);
  if (rc != 0) return tls_fail("cannot sign the certificate", rc);
  pem.certificate.resize(std::strlen(pem.certificate.c_str()));
  pem.private_key.assign(4096, '\0');
  rc = mbedtls_pk_write_key_pem(&g.key, reinterpret_cast<unsigned char*>(pem.private_key.data()), pem.private_key.size());
  if (rc != 0) return tls_fail("cannot encode the TLS key", rc);
  pem.private_key.resize(std::strlen(pem.private_key.c_str()));
  return pem;
}

CertificatePaths generated_paths(const std::string& dir) { return {dir + "/cert.pem", dir + "/key.pem"}; }

Result<Generated> ensure_self_signed(const std::string& dir, const SubjectNames& names) {
  const auto paths = generated_paths(dir);
  struct stat st{};
  if (::stat(paths.certificate.c_str(), &st) == 0) {
    if (::stat(paths.private_key.c_str(), &st) != 0) {
      return fail(Code::invalid_parameter, "the TLS certificate " + paths.certificate + " has no key at " +
                                               paths.private_key + "; remove the certificate to have a new pair made");
    }
    return Generated::no;
  }
  if (errno != ENOENT) return sys_fail("cannot read the TLS certificate " + paths.certificate);
  BERTH_TRY(make_dirs(dir, 0700));
  BERTH_ASSIGN(const PemPair pem, generate_self_signed(names));
  // The key first: a crash in between leaves a key without a certificate, which is replaced.
  BERTH_TRY(write_file_atomic(paths.private_key, pem.private_key, 0600));
  if (::chmod(paths.private_key.c_str(), 0600) != 0) return sys_fail("chmod 0600 " + paths.private_key);
  BERTH_TRY(write_file_atomic(paths.certificate, pem.certificate, 0644));
  return Generated::yes;
}

Result<void> load_pem_pair(const CertificatePaths& paths, Certificate& chain, PrivateKey& key) {
  BERTH_ASSIGN(const std::string chain_pem, read_pem(paths.certificate, "certificate"));
  BERTH_ASSIGN(std::string key_pem, read_pem(paths.private_key, "key"));
  BERTH_TRY(chain.parse(chain_pem, paths.certificate));
  auto parsed = key.parse(key_pem, paths.private_key);
  std::fill(key_pem.begin(), key_pem.end(), '\0');  // no copy of the key outlives its parse
  BERTH_TRY(parsed);
  return chain.check_key(key, paths);
}

Result<void> check_pem_pair(const CertificatePaths& paths) {
  Certificate chain;
  PrivateKey key;
  return load_pem_pair(paths, chain, key);
}

Result<std::string> certificate_fingerprint(const std::string& certificate_path) {
  BERTH_ASSIGN(const std::string pem, read_pem(certificate_path, "certificate"));
  Certificate chain;
  BERTH_TRY(chain.parse(pem, certificate_path));
  return chain.fingerprint();
}

}  // namespace berth::api::tls
