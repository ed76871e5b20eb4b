#include "api/query_xml.hpp"

#include "common/rfc3339.hpp"

namespace berth::api {
namespace {

void write_value(std::string& out, const model::Json& value) {
  if (value.is_object()) {
    for (const auto& [key, member] : value.items()) {
      if (member.is_null()) continue;
      out += "<" + key + ">";
      write_value(out, member);
      out += "</" + key + ">";
    }
  } else if (value.is_array()) {
    for (const auto& item : value) {
      if (item.is_null()) continue;
      out += "<member>";
      write_value(out, item);
      out += "</member>";
    }
  } else if (value.is_string()) {
    out += xml_escape(value.get<std::string>());
  } else if (value.is_boolean()) {
    out += value.get<bool>() ? "true" : "false";
  } else if (!value.is_null()) {
    out += value.dump();
  }
}

}  // namespace

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string iso8601_ms(EpochMs when) { return rfc3339_utc(when, 3); }

std::string query_xml_reply(std::string_view action, std::string_view xmlns, const model::Json& result,
                            std::string_view request_id) {
  const std::string name(action);
  std::string out = "<" + name + "Response xmlns=\"" + std::string(xmlns) + "\"><" + name + "Result>";
  write_value(out, result);
  out += "</" + name + "Result><ResponseMetadata><RequestId>" + xml_escape(request_id) +
         "</RequestId></ResponseMetadata></" + name + "Response>";
  return out;
}

std::string query_xml_error(std::string_view xmlns, bool sender, std::string_view code, std::string_view message,
                            std::string_view request_id) {
  return "<ErrorResponse xmlns=\"" + std::string(xmlns) + "\"><Error><Type>" + (sender ? "Sender" : "Receiver") +
         "</Type><Code>" + xml_escape(code) + "</Code><Message>" + xml_escape(message) + "</Message></Error><RequestId>" +
         xml_escape(request_id) + "</RequestId></ErrorResponse>";
}

}  // namespace berth::api
