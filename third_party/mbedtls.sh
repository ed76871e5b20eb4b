#!/bin/sh
# Builds mbedTLS's three static archives and the headers that match them from Debian's source
# package (2.28.3-1, pinned by SHA-256), configured for what berth uses, into OUT_DIR: berth
# compiles against OUT_DIR/include (the configuration changes the structures' layout) and links
# OUT_DIR/lib*.a instead of Debian's libmbedtls-dev archives.
# Why: Debian's archives are built without per-function sections and with nearly every option on
# (the library's test certificates, DES, Camellia, Blowfish, ARC4, RIPEMD-160, MD2/4/5, HAVEGE,
# DHE and PSK key exchanges, TLS 1.0/1.1, DTLS, eleven more curves), so --gc-sections kept whole
# objects that berth never reaches: 0.48 MB of berth's x86_64 binary was mbedTLS.
# What berth needs (src/api/tls, src/runtime/tls, src/runtime/http, src/api/auth): TLS 1.2 client
# and server with ECDHE-ECDSA and ECDHE-RSA, AES-GCM and ChaCha20-Poly1305 (AES-CBC kept for
# registries that offer nothing else), X25519, P-256, P-384 and P-521 (the CA bundle's roots and
# registries' chains: RSA with PKCS#1 v1.5 and PSS, ECDSA), session tickets, renegotiation refused
# but configurable (mbedtls_ssl_conf_renegotiation), the peer's certificate kept, X.509 parsing
# and certificate writing (self-signed serving certificates), PEM and DER keys (unencrypted: berth
# passes no password), HMAC-SHA-256 and AES-GCM for request signing and secrets, mbedtls_strerror.
# Threading as Debian configures it (MBEDTLS_THREADING_PTHREAD).
# Usage: third_party/mbedtls.sh OUT_DIR CC AR   (writes OUT_DIR/include, OUT_DIR/lib{mbedcrypto,mbedx509,mbedtls}.a)
set -eu
VERSION="2.28.3-1"
ORIG_SHA256="3b4953aa55a681e084d31892d9904cc5328d6b4958ea57b90ae4b4f94ae69a8d"
DEBIAN_SHA256="3e03c61f63c7bbcd0bf695b53e6663ab448cc2e15429cd67d0e4f32e699645a9"
# -O2: AES-GCM and ChaCha20-Poly1305 carry every byte of the HTTPS API and of registry pulls.
# Debian's hardening (dpkg-buildflags' hardening=+all, as debian/rules asks): this code parses
# what the network sends.
CFLAGS="-O2 -ffunction-sections -fdata-sections -fstack-protector-strong -D_FORTIFY_SOURCE=2"
# Debian's own settings (debian/rules) that berth relies on.
SET="MBEDTLS_THREADING_C MBEDTLS_THREADING_PTHREAD"
UNSET="MBEDTLS_SSL_PROTO_TLS1 MBEDTLS_SSL_PROTO_TLS1_1 MBEDTLS_SSL_PROTO_DTLS MBEDTLS_SSL_DTLS_ANTI_REPLAY
  MBEDTLS_SSL_DTLS_HELLO_VERIFY MBEDTLS_SSL_DTLS_CLIENT_PORT_REUSE MBEDTLS_SSL_DTLS_BADMAC_LIMIT
  MBEDTLS_SSL_COOKIE_C MBEDTLS_SSL_CACHE_C MBEDTLS_SSL_CBC_RECORD_SPLITTING MBEDTLS_SSL_TRUNCATED_HMAC
  MBEDTLS_SSL_EXPORT_KEYS MBEDTLS_SSL_CONTEXT_SERIALIZATION MBEDTLS_SSL_MAX_FRAGMENT_LENGTH
  MBEDTLS_SSL_ALPN MBEDTLS_SSL_FALLBACK_SCSV
  MBEDTLS_KEY_EXCHANGE_PSK_ENABLED MBEDTLS_KEY_EXCHANGE_DHE_PSK_ENABLED MBEDTLS_KEY_EXCHANGE_ECDHE_PSK_ENABLED
  MBEDTLS_KEY_EXCHANGE_RSA_PSK_ENABLED MBEDTLS_KEY_EXCHANGE_RSA_ENABLED MBEDTLS_KEY_EXCHANGE_DHE_RSA_ENABLED
  MBEDTLS_KEY_EXCHANGE_ECDH_ECDSA_ENABLED MBEDTLS_KEY_EXCHANGE_ECDH_RSA_ENABLED MBEDTLS_DHM_C
  MBEDTLS_ECP_DP_SECP192R1_ENABLED MBEDTLS_ECP_DP_SECP224R1_ENABLED MBEDTLS_ECP_DP_SECP192K1_ENABLED
  MBEDTLS_ECP_DP_SECP224K1_ENABLED MBEDTLS_ECP_DP_SECP256K1_ENABLED MBEDTLS_ECP_DP_BP256R1_ENABLED
  MBEDTLS_ECP_DP_BP384R1_ENABLED MBEDTLS_ECP_DP_BP512R1_ENABLED MBEDTLS_ECP_DP_CURVE448_ENABLED
  MBEDTLS_ARC4_C MBEDTLS_BLOWFISH_C MBEDTLS_CAMELLIA_C MBEDTLS_DES_C MBEDTLS_XTEA_C MBEDTLS_CCM_C
  MBEDTLS_CMAC_C MBEDTLS_CIPHER_MODE_CFB MBEDTLS_CIPHER_MODE_OFB MBEDTLS_CIPHER_MODE_XTS
  MBEDTLS_CIPHER_PADDING_ONE_AND_ZEROS MBEDTLS_CIPHER_PADDING_ZEROS_AND_LEN MBEDTLS_CIPHER_PADDING_ZEROS
  MBEDTLS_MD2_C MBEDTLS_MD4_C MBEDTLS_MD5_C MBEDTLS_RIPEMD160_C MBEDTLS_HKDF_C
  MBEDTLS_PKCS5_C MBEDTLS_PKCS12_C MBEDTLS_GENPRIME MBEDTLS_PK_RSA_ALT_SUPPORT
  MBEDTLS_X509_CRL_PARSE_C MBEDTLS_X509_CSR_PARSE_C MBEDTLS_X509_CSR_WRITE_C
  MBEDTLS_CERTS_C MBEDTLS_DEBUG_C MBEDTLS_HAVEGE_C MBEDTLS_PADLOCK_C MBEDTLS_TIMING_C MBEDTLS_SELF_TEST
  MBEDTLS_VERSION_C MBEDTLS_VERSION_FEATURES
  MBEDTLS_PSA_CRYPTO_C MBEDTLS_PSA_CRYPTO_STORAGE_C MBEDTLS_PSA_ITS_FILE_C"

out=$1 cc=$2 ar=$3
mkdir -p "$out"
out=$(cd "$out" && pwd)
work="$out/mbedtls-src"
"$(dirname "$0")/debian_source.sh" "$work" mbedtls "$VERSION" mbedtls_2.28.3.orig.tar.gz "$ORIG_SHA256" "$DEBIAN_SHA256"
(cd "$work/tree"
  for option in $SET; do python3 scripts/config.py set "$option"; done
  for option in $UNSET; do python3 scripts/config.py unset "$option"; done
  # check_config.h rejects a configuration whose options contradict each other.
  MAKEFLAGS= make -C library CC="$cc" AR="$ar" CFLAGS="$CFLAGS" static >/dev/null)
rm -rf "$out/include"
cp -r "$work/tree/include" "$out/include"
cp "$work"/tree/library/libmbedcrypto.a "$work"/tree/library/libmbedx509.a "$work"/tree/library/libmbedtls.a "$out/"
rm -rf "$work"
