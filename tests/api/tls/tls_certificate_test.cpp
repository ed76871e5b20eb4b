#include "api/tls/tls_certificate.hpp"

#include <mbedtls/oid.h>
#include <mbedtls/x509_crt.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <set>

#include "common/files.hpp"
#include "fixtures/temp_dir.hpp"

namespace tls_certificate_test {

using namespace berth;
using namespace berth::api::tls;
using berth::testing::TempDir;

namespace {

SubjectNames test_names() {
  return {"gateway-7", {"gateway-7", "localhost"}, {"127.0.0.1", "::1", "192.0.2.10"}};
}

// The certificate file parsed back by mbedTLS; freed with the object.
struct ParsedCertificate {
  mbedtls_x509_crt crt;
  explicit ParsedCertificate(const std::string& path) {
    mbedtls_x509_crt_init(&crt);
    REQUIRE(mbedtls_x509_crt_parse_file(&crt, path.c_str()) == 0);
  }
  ~ParsedCertificate() { mbedtls_x509_crt_free(&crt); }

  // "dns:NAME" and "ip:<raw length>:<first byte>" for each subjectAltName.
  std::set<std::string> alt_names() const {
    std::set<std::string> out;
    for (const mbedtls_x509_sequence* san = &crt.subject_alt_names; san && san->buf.p; san = san->next) {
      const std::string value(reinterpret_cast<const char*>(san->buf.p), san->buf.len);
      if (san->buf.tag == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 2)) out.insert("dns:" + value);
      if (san->buf.tag == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 7)) out.insert("ip:" + value);
    }
    return out;
  }
};

std::string ip(std::initializer_list<unsigned char> bytes) { return "ip:" + std::string(bytes.begin(), bytes.end()); }

}  // namespace

TEST_CASE("tls certificate: a generated certificate is a self-signed P-256 one for the host's names", "[tls]") {
  TempDir dir;
  const std::string tls_dir = dir.path + "/tls";
  auto generated = ensure_self_signed(tls_dir, test_names());
  REQUIRE(generated);
  CHECK(*generated == Generated::yes);
  const auto paths = generated_paths(tls_dir);

  ParsedCertificate parsed(paths.certificate);
  REQUIRE(mbedtls_pk_get_type(&parsed.crt.pk) == MBEDTLS_PK_ECKEY);
  CHECK(mbedtls_pk_ec(parsed.crt.pk)->grp.id == MBEDTLS_ECP_DP_SECP256R1);
  CHECK(parsed.crt.sig_md == MBEDTLS_MD_SHA256);
  CHECK(parsed.crt.version == 3);
  char subject[256];
  REQUIRE(mbedtls_x509_dn_gets(subject, sizeof subject, &parsed.crt.subject) > 0);
  CHECK(std::string(subject) == "CN=gateway-7");
  const auto names = parsed.alt_names();
  CHECK(names.contains("dns:gateway-7"));
  CHECK(names.contains("dns:localhost"));
  CHECK(names.contains(ip({127, 0, 0, 1})));
  CHECK(names.contains(ip({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1})));
  CHECK(names.contains(ip({192, 0, 2, 10})));
  CHECK(names.size() == 5);
  // Valid now and for about ten years.
  CHECK(mbedtls_x509_time_is_past(&parsed.crt.valid_from));
  CHECK(parsed.crt.valid_to.year - parsed.crt.valid_from.year == 10);

  // Trusted as itself, which is what pinning it as a CA bundle does.
  std::uint32_t flags = 0;
  CHECK(mbedtls_x509_crt_verify(&parsed.crt, &parsed.crt, nullptr, "gateway-7", &flags, nullptr, nullptr) == 0);
  CHECK(flags == 0);
  CHECK(mbedtls_x509_crt_verify(&parsed.crt, &parsed.crt, nullptr, "elsewhere", &flags, nullptr, nullptr) != 0);

  // The key file is the certificate's key, readable by its owner only.
  CHECK(check_pem_pair(paths));
  struct stat st{};
  REQUIRE(::stat(paths.private_key.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(::stat(tls_dir.c_str(), &st) == 0);
  CHECK((st.st_mode & 0077) == 0);
}

TEST_CASE("tls certificate: the fingerprint is the SHA-256 of the DER, as openssl prints it, and stable", "[tls]") {
  TempDir dir;
  REQUIRE(ensure_self_signed(dir.path, test_names()));
  const auto paths = generated_paths(dir.path);
  auto first = certificate_fingerprint(paths.certificate);
  REQUIRE(first);
  CHECK(first->size() == 32 * 3 - 1);
  for (std::size_t i = 2; i < first->size(); i += 3) CHECK((*first)[i] == ':');
  CHECK(first->find_first_not_of("0123456789ABCDEF:") == std::string::npos);
  CHECK(certificate_fingerprint(paths.certificate).value_or("") == *first);

  // Another certificate, another fingerprint.
  TempDir other;
  REQUIRE(ensure_self_signed(other.path, test_names()));
  CHECK(certificate_fingerprint(generated_paths(other.path).certificate).value_or("") != *first);
}

TEST_CASE("tls certificate: a second start reuses the pair and writes nothing", "[tls]") {
  TempDir dir;
  REQUIRE(ensure_self_signed(dir.path, test_names()));
  const auto paths = generated_paths(dir.path);
  const auto certificate = read_file(paths.certificate).value_or("");
  const auto key = read_file(paths.private_key).value_or("");
  struct stat before{};
  REQUIRE(::stat(paths.certificate.c_str(), &before) == 0);

  auto again = ensure_self_signed(dir.path, {"other-name", {"other-name"}, {"10.0.0.1"}});
  REQUIRE(again);
  CHECK(*again == Generated::no);
  CHECK(read_file(paths.certificate).value_or("-") == certificate);
  CHECK(read_file(paths.private_key).value_or("-") == key);
  struct stat after{};
  REQUIRE(::stat(paths.certificate.c_str(), &after) == 0);
  CHECK(after.st_ino == before.st_ino);
}

TEST_CASE("tls certificate: a certificate whose key is gone is an error, not a new pair", "[tls]") {
  TempDir dir;
  REQUIRE(ensure_self_signed(dir.path, test_names()));
  const auto paths = generated_paths(dir.path);
  const auto certificate = read_file(paths.certificate).value_or("");
  REQUIRE(::unlink(paths.private_key.c_str()) == 0);
  auto again = ensure_self_signed(dir.path, test_names());
  REQUIRE_FALSE(again);
  CHECK_THAT(again.error().message, Catch::Contains("has no key"));
  CHECK(read_file(paths.certificate).value_or("-") == certificate);

  // A key left without its certificate (a crash between the two writes) is replaced.
  TempDir half;
  REQUIRE(write_file(half.path + "/key.pem", "stale"));
  auto made = ensure_self_signed(half.path, test_names());
  REQUIRE(made);
  CHECK(*made == Generated::yes);
  CHECK(check_pem_pair(generated_paths(half.path)));
}

TEST_CASE("tls certificate: loading a PEM pair names what is wrong", "[tls]") {
  TempDir dir;
  REQUIRE(ensure_self_signed(dir.path + "/a", test_names()));
  REQUIRE(ensure_self_signed(dir.path + "/b", test_names()));
  const auto a = generated_paths(dir.path + "/a");
  const auto b = generated_paths(dir.path + "/b");

  SECTION("a missing certificate") {
    auto loaded = check_pem_pair({dir.path + "/none.pem", a.private_key});
    REQUIRE_FALSE(loaded);
    CHECK_THAT(loaded.error().message, Catch::Contains("none.pem") && Catch::Contains("No such file"));
  }
  SECTION("a missing key") {
    auto loaded = check_pem_pair({a.certificate, dir.path + "/none.pem"});
    REQUIRE_FALSE(loaded);
    CHECK_THAT(loaded.error().message, Catch::Contains("TLS key") && Catch::Contains("none.pem"));
  }
  SECTION("a file that is no certificate") {
    REQUIRE(write_file(dir.path + "/junk.pem", "not a certificate\n"));
    auto loaded = check_pem_pair({dir.path + "/junk.pem", a.private_key});
    REQUIRE_FALSE(loaded);
    CHECK_THAT(loaded.error().message, Catch::Contains("holds no PEM certificate"));
  }
  SECTION("a damaged certificate") {
    auto text = read_file(a.certificate);
    REQUIRE(text);
    text->erase(text->size() / 2, 40);  // DER lengths no longer add up
    REQUIRE(write_file(dir.path + "/damaged.pem", *text));
    auto loaded = check_pem_pair({dir.path + "/damaged.pem", a.private_key});
    REQUIRE_FALSE(loaded);
    CHECK_THAT(loaded.error().message, Catch::Contains("does not parse"));
  }
  SECTION("a certificate given as the key") {
    auto loaded = check_pem_pair({a.certificate, a.certificate});
    REQUIRE_FALSE(loaded);
    CHECK_THAT(loaded.error().message, Catch::Contains("is not a private key"));
  }
  SECTION("the key of another certificate") {
    auto loaded = check_pem_pair({a.certificate, b.private_key});
    REQUIRE_FALSE(loaded);
    CHECK_THAT(loaded.error().message, Catch::Contains("does not belong to the certificate"));
  }
  SECTION("the right pair") { CHECK(check_pem_pair(a)); }
}

TEST_CASE("tls certificate: the host's names include its hostname and loopback, never link-local", "[tls]") {
  const auto names = host_subject_names();
  CHECK_FALSE(names.common_name.empty());
  CHECK(names.dns_names.front() == names.common_name);
  CHECK(std::find(names.ip_addresses.begin(), names.ip_addresses.end(), "127.0.0.1") != names.ip_addresses.end());
  CHECK(std::find(names.ip_addresses.begin(), names.ip_addresses.end(), "::1") != names.ip_addresses.end());
  for (const auto& address : names.ip_addresses) {
    CHECK_FALSE(address.starts_with("169.254."));
    CHECK_FALSE(address.starts_with("fe80:"));
  }
}

}  // namespace tls_certificate_test
