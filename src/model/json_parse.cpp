#include "model/json_parse.hpp"

#include <string>

namespace berth::model {
namespace {

// nlohmann's own DOM builder (iterative, as is its parser) behind a gate that counts open
// objects and arrays and stops the parse at the first one past the bound.
class DepthBoundedDomBuilder {
 public:
  DepthBoundedDomBuilder(Json& result, std::size_t max_depth) : m_dom(result, /*allow_exceptions=*/false), m_max_depth(max_depth) {}

  bool null() { return m_dom.null(); }
  bool boolean(bool value) { return m_dom.boolean(value); }
  bool number_integer(Json::number_integer_t value) { return m_dom.number_integer(value); }
  bool number_unsigned(Json::number_unsigned_t value) { return m_dom.number_unsigned(value); }
  bool number_float(Json::number_float_t value, const Json::string_t& text) { return m_dom.number_float(value, text); }
  bool string(Json::string_t& value) { return m_dom.string(value); }
  bool binary(Json::binary_t& value) { return m_dom.binary(value); }
  bool key(Json::string_t& value) { return m_dom.key(value); }
  bool start_object(std::size_t size) { return enter() && m_dom.start_object(size); }
  bool end_object() { --m_depth; return m_dom.end_object(); }
  bool start_array(std::size_t size) { return enter() && m_dom.start_array(size); }
  bool end_array() { --m_depth; return m_dom.end_array(); }
  template <class Exception>
  bool parse_error(std::size_t position, const std::string& token, const Exception& error) {
    return m_dom.parse_error(position, token, error);
  }

  bool too_deep() const { return m_too_deep; }
  bool errored() const { return m_dom.is_errored(); }

 private:
  bool enter() {
    if (++m_depth <= m_max_depth) return true;
    m_too_deep = true;
    return false;
  }

  nlohmann::detail::json_sax_dom_parser<Json> m_dom;
  std::size_t m_max_depth;
  std::size_t m_depth = 0;
  bool m_too_deep = false;
};

}  // namespace

Result<Json> parse_json(std::string_view text, std::string_view what, std::size_t max_depth) {
  Json result;
  DepthBoundedDomBuilder builder(result, max_depth);
  const bool parsed = Json::sax_parse(text, &builder);
  if (builder.too_deep()) {
    return fail(Code::serialization, std::string(what) + " is nested more than " + std::to_string(max_depth) +
                                         " levels deep.");
  }
  if (!parsed || builder.errored()) return fail(Code::serialization, std::string(what) + " is not valid JSON.");
  return result;
}

}  // namespace berth::model
