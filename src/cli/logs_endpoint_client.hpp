// The central CloudWatch-Logs-compatible endpoint of the log forwarder (agent/logs_endpoint.hpp)
// over HTTP(S): Logs_20140328.* JSON 1.1 calls (cli/signed_json_client), SigV4-signed for the
// service `logs` with the key of BERTH_LOGS_FORWARD_KEY_FILE. Another berth, CloudWatch Logs
// itself or any endpoint speaking its API. Thread-safe (a connection per call).
#pragma once

#include "agent/logs_endpoint.hpp"
#include "api/auth/sigv4_signer.hpp"
#include "cli/signed_json_client.hpp"

namespace berth::cli {

// CloudWatch Logs' exceptions as the forwarder tells them apart: ResourceNotFoundException,
// ResourceAlreadyExistsException; ThrottlingException and ServiceUnavailableException as
// Code::server (retried); InvalidParameterException; any other Code::client.
Code logs_exception_code(std::string_view type);

class LogsEndpointClient final : public agent::LogsEndpoint {
 public:
  LogsEndpointClient(std::string url, runtime::HttpOptions tls, api::auth::SigningCredentials credentials, const Clock& clock);

  Result<void> create_group(const std::string& group) override;
  Result<void> create_stream(const std::string& group, const std::string& stream) override;
  Result<agent::PutOutcome> put_events(const std::string& group, const std::string& stream,
                                       const std::vector<agent::ForwardedEvent>& events) override;
  Result<std::vector<agent::ForwardedEvent>> last_events(const std::string& group, const std::string& stream,
                                                         std::size_t limit) override;

 private:
  Result<model::Json> call(const std::string& action, const model::Json& body) const;

  const SignedJsonClient m_client;
  const api::auth::SigningCredentials m_credentials;
};

}  // namespace berth::cli
