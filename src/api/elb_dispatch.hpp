// Elastic Load Balancing v2 on berth's endpoint (`aws elbv2 ...`): AWS's query protocol, a
// form-encoded POST (Action=...&Version=2015-12-01) signed for `elasticloadbalancing`, answered
// in XML. Requests are read into the JSON data model (api/query_form.hpp), decoded into svc's
// typed requests here, and the replies written as ELBv2's XML shapes (api/query_xml.hpp); errors
// are ELBv2's codes (LoadBalancerNotFound, TargetGroupNotFound, DuplicateListener, ...).
// No sockets here. Thread-safe; never throws.
#pragma once

#include <string_view>

#include "api/dispatch.hpp"
#include "api/http_response.hpp"

namespace berth::api {

inline constexpr std::string_view k_elb_version = "2015-12-01";
inline constexpr std::string_view k_elb_signing_name = "elasticloadbalancing";
inline constexpr std::string_view k_elb_xmlns = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/";

// Whether `body` (form-encoded, no X-Amz-Target) is an ELBv2 query request.
bool is_elb_request(std::string_view content_type, std::string_view body);

// The action a query body names ("" if none), for the audit of a refused request.
std::string elb_action_of(std::string_view body);

// Returns the request decoded (its members as JSON) with its use case, or the error to answer.
Decoded decode_elb_request(std::string_view body);

// ELBv2's error shape (a Reply whose body is JSON {"__type","message"} as the others make it).
Reply elb_error(const Error& error);

// `reply` of `action` as the HTTP response: the XML result, or the XML error (any JSON error
// reply, an authentication refusal included, is rewritten).
HttpResponse elb_response(std::string_view action, const Reply& reply);

}  // namespace berth::api
