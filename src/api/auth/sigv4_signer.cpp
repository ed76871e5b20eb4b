#include "api/auth/sigv4_signer.hpp"

#include <algorithm>

#include "api/auth/canonical_request.hpp"
#include "api/auth/digest.hpp"
#include "api/auth/sigv4.hpp"
#include "common/ascii.hpp"

namespace berth::api::auth {

SignedHeaderList sign_request(std::string_view method, std::string_view host_port, std::string_view path,
                              const SignedHeaderList& headers, std::string_view body,
                              const SigningCredentials& credentials, std::string_view service,
                              std::int64_t epoch_seconds) {
  const std::string amz_date = format_amz_date(epoch_seconds);
  SignedHeaderList out = headers;
  out.emplace_back("Host", std::string(host_port));
  out.emplace_back("X-Amz-Date", amz_date);
  std::vector<HeaderField> fields;
  std::vector<std::string> names;
  for (const auto& [name, value] : out) {
    fields.emplace_back(name, value);
    std::string lower = name;
    for (auto& c : lower) c = ascii_lower(c);  // as the verifier folds them: ASCII, not the locale
    names.push_back(std::move(lower));
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::string signed_headers;
  for (const auto& name : names) signed_headers += (signed_headers.empty() ? "" : ";") + name;
  // The query is signed as the verifier reads it off the request line: decoded, then canonical.
  const auto question = path.find('?');
  const std::string query =
      question == std::string_view::npos ? std::string() : canonical_query(parse_query(path.substr(question + 1)));
  const std::string request = canonical_request(method, canonical_uri(path.substr(0, question)), query,
                                                canonical_headers(fields, names), signed_headers, sha256_hex(body));
  const Credential credential{credentials.access_key_id, amz_date.substr(0, 8), credentials.region, std::string(service),
                              "aws4_request"};
  const std::string signature = sign(credentials.secret_access_key, credential.date, credential.region, credential.service,
                                     string_to_sign(amz_date, credential, request));
  out.emplace_back("Authorization", std::string(k_algorithm) + " Credential=" + credential.access_key_id + "/" +
                                        credential.date + "/" + credential.region + "/" + credential.service +
                                        "/aws4_request, SignedHeaders=" + signed_headers + ", Signature=" + signature);
  // Host goes out as the transport writes it from the URL, not twice.
  out.erase(std::find_if(out.begin(), out.end(), [](const auto& h) { return h.first == "Host"; }));
  return out;
}

}  // namespace berth::api::auth
