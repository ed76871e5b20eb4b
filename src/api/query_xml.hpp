// AWS's query protocol replies: <ActionResponse><ActionResult>...</ActionResult>
// <ResponseMetadata><RequestId/></ResponseMetadata></ActionResponse>, written from the JSON data
// model (an object's members become elements, a list's items <member> elements, scalars text),
// and <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>.
// Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/clock.hpp"
#include "model/schema.hpp"

namespace berth::api {

// `text` with &, <, >, " and ' escaped.
std::string xml_escape(std::string_view text);

// "2026-12-03T23:59:01.123Z", as the query protocol writes timestamps.
std::string iso8601_ms(EpochMs when);

std::string query_xml_reply(std::string_view action, std::string_view xmlns, const model::Json& result,
                            std::string_view request_id);

// `sender` = the caller's fault (Type Sender), else Receiver.
std::string query_xml_error(std::string_view xmlns, bool sender, std::string_view code, std::string_view message,
                            std::string_view request_id);

}  // namespace berth::api
