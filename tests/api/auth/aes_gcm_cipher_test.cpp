#include "api/auth/aes_gcm_cipher.hpp"

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "common/files.hpp"
#include "fixtures/temp_dir.hpp"

namespace aes_gcm_cipher_test {

using namespace berth;
using api::auth::AesGcmCipher;
using api::auth::SecretKey;

namespace {

SecretKey key_of(std::uint8_t fill) {
  SecretKey key{};
  key.fill(fill);
  return key;
}

}  // namespace

TEST_CASE("sealed secret values open again only with their key and associated data", "[secrets][cipher]") {
  AesGcmCipher cipher(key_of(7));
  const std::string value = "hunter2-the-secret";
  auto sealed = cipher.seal(value, "arn:1\nv1");
  REQUIRE(sealed.has_value());
  CHECK(sealed->find(value) == std::string::npos);
  CHECK(sealed->size() == value.size() + 1 + 12 + 16);

  SECTION("round trip") {
    auto opened = cipher.open(*sealed, "arn:1\nv1");
    REQUIRE(opened.has_value());
    CHECK(*opened == value);
  }
  SECTION("two seals of one value differ (random nonce)") {
    auto again = cipher.seal(value, "arn:1\nv1");
    REQUIRE(again.has_value());
    CHECK(*again != *sealed);
  }
  SECTION("any altered byte is detected") {
    for (std::size_t i = 0; i < sealed->size(); ++i) {
      std::string altered = *sealed;
      altered[i] = static_cast<char>(altered[i] ^ 0x01);
      auto opened = cipher.open(altered, "arn:1\nv1");
      INFO("byte " << i);
      CHECK_FALSE(opened.has_value());
    }
    CHECK_FALSE(cipher.open(sealed->substr(0, sealed->size() - 1), "arn:1\nv1").has_value());
    CHECK_FALSE(cipher.open("", "arn:1\nv1").has_value());
  }
  SECTION("another key cannot open it") {
    AesGcmCipher other(key_of(8));
    auto opened = other.open(*sealed, "arn:1\nv1");
    REQUIRE_FALSE(opened.has_value());
    CHECK(opened.error().code == Code::server);
    CHECK(opened.error().message.find(value) == std::string::npos);
  }
  SECTION("a value moved to another row (other associated data) does not open") {
    CHECK_FALSE(cipher.open(*sealed, "arn:2\nv1").has_value());
    CHECK_FALSE(cipher.open(*sealed, "arn:1\nv2").has_value());
  }
}

TEST_CASE("the secrets key file is made once, private, and checked at every start", "[secrets][cipher]") {
  testing::TempDir dir;
  const std::string path = dir.path + "/secrets.key";
  auto created = api::auth::load_or_create_secret_key(path);
  REQUIRE(created.has_value());
  struct stat st{};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(st.st_size == 32);

  auto again = api::auth::load_or_create_secret_key(path);
  REQUIRE(again.has_value());
  CHECK(*again == *created);

  SECTION("readable by others: refused") {
    REQUIRE(::chmod(path.c_str(), 0644) == 0);
    auto refused = api::auth::load_or_create_secret_key(path);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().message.find("chmod 600") != std::string::npos);
  }
  SECTION("wrong size: refused") {
    REQUIRE(write_file(path, "short", 0600).has_value());
    auto refused = api::auth::load_or_create_secret_key(path);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().message.find("32-byte") != std::string::npos);
  }
}

}  // namespace aes_gcm_cipher_test
