#include "model/remote_exec.hpp"

#include "model/execute_command.hpp"
#include "model/request_members.hpp"

namespace berth::model {
namespace {

// The Code whose exception name is `name`; ServerException for a name berth does not know.
Code code_named(std::string_view name) {
  for (int i = 0; i <= static_cast<int>(Code::server); ++i) {
    if (code_name(static_cast<Code>(i)) == name) return static_cast<Code>(i);
  }
  return Code::server;
}

}  // namespace

const Shape& submit_exec_result_shape() {
  static const Shape k_string = string_shape();
  static const Shape k_integer = integer_shape();
  static const Shape k_boolean = boolean_shape();
  static const Shape k_outcome = structure({{"exitCode", &k_integer, true},
                                            {"output", &k_string, true},
                                            {"outputTruncated", &k_boolean},
                                            {"timedOut", &k_boolean}});
  static const Shape k_refusal = structure({{"code", &k_string, true}, {"message", &k_string, true}});
  static const Shape k_shape = structure({{"cluster", &k_string},
                                          {"containerInstance", &k_string, true},
                                          {"requestId", &k_string, true},
                                          {"outcome", &k_outcome},
                                          {"refusal", &k_refusal}});
  return k_shape;
}

Result<SubmitExecResultRequest> decode_submit_exec_result(const Json& body) {
  SubmitExecResultRequest request;
  request.cluster = optional_string(body, "cluster");
  request.container_instance = body["containerInstance"].get<std::string>();
  request.request_id = body["requestId"].get<std::string>();
  if (body.contains("outcome") == body.contains("refusal")) {
    return fail(Code::invalid_parameter, "An exec result has exactly one of outcome and refusal.");
  }
  if (body.contains("outcome")) {
    const Json& o = body["outcome"];
    ExecOutcome outcome{o["exitCode"].get<int>(), o["output"].get<std::string>(), o.value("outputTruncated", false),
                        o.value("timedOut", false)};
    // More than the runner's bound is cut here: the reply to the caller stays bounded.
    if (outcome.output.size() > k_max_submitted_exec_output) {
      outcome.output.resize(k_max_submitted_exec_output);
      outcome.output_truncated = true;
    }
    request.outcome = std::move(outcome);
  } else {
    const Json& r = body["refusal"];
    request.refusal = Error{code_named(r["code"].get<std::string>()), r["message"].get<std::string>().substr(0, 1024)};
  }
  return request;
}

Json encode_submit_exec_result(const SubmitExecResultRequest& request) {
  Json out{{"containerInstance", request.container_instance}, {"requestId", request.request_id}};
  if (request.cluster) out["cluster"] = *request.cluster;
  if (request.outcome) {
    out["outcome"] = {{"exitCode", request.outcome->exit_code},
                      {"output", request.outcome->output},
                      {"outputTruncated", request.outcome->output_truncated},
                      {"timedOut", request.outcome->timed_out}};
  }
  if (request.refusal) out["refusal"] = {{"code", code_name(request.refusal->code)}, {"message", request.refusal->message}};
  return out;
}

Json exec_requests_to_json(const std::vector<ExecRequest>& requests) {
  Json out = Json::array();
  for (const auto& r : requests) out.push_back({{"requestId", r.id}, {"runtimeId", r.runtime_id}, {"command", r.argv}});
  return out;
}

Result<std::vector<ExecRequest>> exec_requests_from_json(const Json& json) {
  const auto malformed = [] { return fail(Code::server, "the server's reply is malformed: execRequests"); };
  if (!json.is_array() || json.size() > 64) return malformed();
  std::vector<ExecRequest> out;
  for (const auto& r : json) {
    if (!r.is_object() || !r.contains("requestId") || !r["requestId"].is_string() || !r.contains("runtimeId") ||
        !r["runtimeId"].is_string() || !r.contains("command") || !r["command"].is_array() || r["command"].empty() ||
        r["command"].size() > k_max_command_words) {
      return malformed();
    }
    ExecRequest request{r["requestId"].get<std::string>(), r["runtimeId"].get<std::string>(), {}};
    for (const auto& word : r["command"]) {
      if (!word.is_string()) return malformed();
      request.argv.push_back(word.get<std::string>());
    }
    out.push_back(std::move(request));
  }
  return out;
}

}  // namespace berth::model
