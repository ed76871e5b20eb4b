// The API's TLS identity: a PEM certificate chain and private key, either given by the operator
// or generated once (a self-signed ECDSA P-256 certificate for this gateway's names), and the
// SHA-256 fingerprint a fleet tool pins. Pure functions over files; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "common/result.hpp"

namespace berth::api::tls {

// What a generated certificate is valid for: its CN and its subjectAltNames.
struct SubjectNames {
  std::string common_name;
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;  // textual IPv4 or IPv6
};

// Returns this host's names: CN = hostname; DNS: hostname, "localhost"; IP: every address of an
// interface that is up, except link-local ones, plus 127.0.0.1 and ::1.
SubjectNames host_subject_names();

struct PemPair {
  std::string certificate;
  std::string private_key;
};

// Returns a new self-signed certificate (X.509 v3, ECDSA P-256 key, SHA-256 signature, valid
// from a day ago for ten years, serverAuth) for `names`, and its key, both PEM.
[[nodiscard]] Result<PemPair> generate_self_signed(const SubjectNames& names);

struct CertificatePaths {
  std::string certificate;
  std::string private_key;
};

// Returns <dir>/cert.pem and <dir>/key.pem.
CertificatePaths generated_paths(const std::string& dir);

enum class Generated { no, yes };

// Makes sure `dir` holds a generated certificate and key: if cert.pem exists nothing is written
// (the certificate may be pinned); otherwise a new pair is written, the key (mode 0600) before
// the certificate, each atomically. A certificate without its key is an error, not a reason to
// make a new one.
[[nodiscard]] Result<Generated> ensure_self_signed(const std::string& dir, const SubjectNames& names);

// Checks that the PEM files hold a certificate chain and the private key of its first
// certificate; returns InvalidParameter naming the file and the problem otherwise.
[[nodiscard]] Result<void> check_pem_pair(const CertificatePaths& paths);

// Returns the SHA-256 fingerprint of the first certificate in the PEM file, as
// `openssl x509 -fingerprint -sha256` prints it: upper-case hex bytes joined by ':'.
[[nodiscard]] Result<std::string> certificate_fingerprint(const std::string& certificate_path);

}  // namespace berth::api::tls
