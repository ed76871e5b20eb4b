#include "api/auth/aes_gcm_cipher.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include <mbedtls/gcm.h>

#include "common/files.hpp"
#include "common/ids.hpp"

namespace berth::api::auth {
namespace {

constexpr unsigned char k_format_version = 1;
constexpr std::size_t k_nonce_bytes = 12;
constexpr std::size_t k_tag_bytes = 16;
constexpr std::size_t k_overhead = 1 + k_nonce_bytes + k_tag_bytes;

const unsigned char* bytes(std::string_view text) { return reinterpret_cast<const unsigned char*>(text.data()); }
unsigned char* bytes(std::string& text) { return reinterpret_cast<unsigned char*>(text.data()); }

// One GCM context keyed for one call, freed on every path.
class Gcm {
 public:
  explicit Gcm(const SecretKey& key) {
    mbedtls_gcm_init(&m_context);
    m_ok = mbedtls_gcm_setkey(&m_context, MBEDTLS_CIPHER_ID_AES, key.data(), 8 * k_secret_key_bytes) == 0;
  }
  ~Gcm() { mbedtls_gcm_free(&m_context); }
  Gcm(const Gcm&) = delete;
  Gcm& operator=(const Gcm&) = delete;
  bool ok() const { return m_ok; }
  mbedtls_gcm_context* get() { return &m_context; }

 private:
  mbedtls_gcm_context m_context;
  bool m_ok = false;
};

}  // namespace

Result<std::string> AesGcmCipher::seal(std::string_view plaintext, std::string_view associated) {
  Gcm gcm(m_key);
  if (!gcm.ok()) return fail(Code::server, "the secret cipher could not be keyed");
  std::string out(k_overhead + plaintext.size(), '\0');
  out[0] = static_cast<char>(k_format_version);
  const std::string nonce = random_bytes(k_nonce_bytes);
  std::memcpy(out.data() + 1, nonce.data(), k_nonce_bytes);
  unsigned char* body = bytes(out) + 1 + k_nonce_bytes;
  unsigned char* tag = body + plaintext.size();
  if (mbedtls_gcm_crypt_and_tag(gcm.get(), MBEDTLS_GCM_ENCRYPT, plaintext.size(), bytes(nonce), k_nonce_bytes,
                                bytes(associated), associated.size(), bytes(plaintext), body, k_tag_bytes, tag) != 0) {
    return fail(Code::server, "a secret value could not be sealed");
  }
  return out;
}

Result<std::string> AesGcmCipher::open(std::string_view sealed, std::string_view associated) {
  if (sealed.size() < k_overhead || static_cast<unsigned char>(sealed[0]) != k_format_version) {
    return fail(Code::server, "a stored secret value is not in a format this berth reads");
  }
  Gcm gcm(m_key);
  if (!gcm.ok()) return fail(Code::server, "the secret cipher could not be keyed");
  const std::size_t length = sealed.size() - k_overhead;
  const unsigned char* nonce = bytes(sealed) + 1;
  const unsigned char* body = nonce + k_nonce_bytes;
  std::string out(length, '\0');
  if (mbedtls_gcm_auth_decrypt(gcm.get(), length, nonce, k_nonce_bytes, bytes(associated), associated.size(),
                               body + length, k_tag_bytes, body, bytes(out)) != 0) {
    // Zero what may hold partial plaintext before it is freed.
    std::memset(out.data(), 0, out.size());
    return fail(Code::server,
                "a stored secret value failed authentication (altered, moved to another row, or sealed under "
                "another key file)");
  }
  return out;
}

Result<SecretKey> load_or_create_secret_key(const std::string& path) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) return sys_fail("cannot read the secrets key " + path);
    const std::string fresh = random_bytes(k_secret_key_bytes);
    BERTH_TRY(write_file_atomic(path, fresh, 0600));
    SecretKey key{};
    std::memcpy(key.data(), fresh.data(), key.size());
    return key;
  }
  if ((st.st_mode & 077) != 0) {
    return fail(Code::server, "the secrets key " + path +
                                  " may be read by group or others; make it private (chmod 600) before berth uses it");
  }
  if (!S_ISREG(st.st_mode) || static_cast<std::size_t>(st.st_size) != k_secret_key_bytes) {
    return fail(Code::server, "the secrets key " + path + " is not a 32-byte key file; restore it from a backup "
                              "(without it the stored secrets cannot be read)");
  }
  BERTH_ASSIGN(auto text, read_file(path));
  if (text.size() != k_secret_key_bytes) return fail(Code::server, "the secrets key " + path + " changed while being read");
  SecretKey key{};
  std::memcpy(key.data(), text.data(), key.size());
  return key;
}

}  // namespace berth::api::auth
