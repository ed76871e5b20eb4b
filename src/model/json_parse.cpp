#include "model/json_parse.hpp"

#include <cmath>
#include <limits>
#include <string>

namespace berth::model {
namespace {

// nlohmann's own DOM builder (iterative, as is its parser) behind a gate that counts open
// objects and arrays and stops the parse at the first one past the bound. For binary input the
// gate also refuses a declared size larger than the input (each element takes at least a byte),
// which the DOM builder would otherwise answer with a throw, and non-finite numbers, which JSON
// cannot carry.
class DepthBoundedDomBuilder {
 public:
  DepthBoundedDomBuilder(Json& result, std::size_t max_depth,
                         std::size_t max_elements = std::numeric_limits<std::size_t>::max())
      : m_dom(result, /*allow_exceptions=*/false), m_max_depth(max_depth), m_max_elements(max_elements) {}

  bool null() { return m_dom.null(); }
  bool boolean(bool value) { return m_dom.boolean(value); }
  bool number_integer(Json::number_integer_t value) { return m_dom.number_integer(value); }
  bool number_unsigned(Json::number_unsigned_t value) { return m_dom.number_unsigned(value); }
  bool number_float(Json::number_float_t value, const Json::string_t& text) {
    if (!std::isfinite(value)) return refuse();
    return m_dom.number_float(value, text);
  }
  bool string(Json::string_t& value) { return m_dom.string(value); }
  bool binary(Json::binary_t& value) { return m_dom.binary(value); }
  bool key(Json::string_t& value) { return m_dom.key(value); }
  bool start_object(std::size_t size) { return fits(size) && enter() && m_dom.start_object(size); }
  bool end_object() { --m_depth; return m_dom.end_object(); }
  bool start_array(std::size_t size) { return fits(size) && enter() && m_dom.start_array(size); }
  bool end_array() { --m_depth; return m_dom.end_array(); }
  template <class Exception>
  bool parse_error(std::size_t position, const std::string& token, const Exception& error) {
    return m_dom.parse_error(position, token, error);
  }

  bool too_deep() const { return m_too_deep; }
  bool errored() const { return m_refused || m_dom.is_errored(); }

 private:
  bool enter() {
    if (++m_depth <= m_max_depth) return true;
    m_too_deep = true;
    return false;
  }

  bool refuse() {
    m_refused = true;
    return false;
  }
  bool fits(std::size_t size) {
    return size == static_cast<std::size_t>(-1) || size <= m_max_elements || refuse();
  }

  nlohmann::detail::json_sax_dom_parser<Json> m_dom;
  std::size_t m_max_depth;
  std::size_t m_max_elements;
  bool m_refused = false;
  std::size_t m_depth = 0;
  bool m_too_deep = false;
};

// Copies CBOR data items without their tags. nlohmann's reader refuses tags 0 to 5 even when told
// to ignore tags, and AWS clients tag every timestamp with tag 1. Stops (returns false) at
// malformed input, a declared length past the input, or nesting deeper than `max_depth`.
class CborTagStripper {
 public:
  CborTagStripper(std::string_view input, std::size_t max_depth) : m_input(input), m_max_depth(max_depth) {}

  bool strip(std::string& out) { return item(out, 0) && m_at == m_input.size(); }
  bool too_deep() const { return m_too_deep; }

 private:
  static constexpr unsigned k_indefinite = 31;

  bool item(std::string& out, std::size_t depth) {
    if (depth > m_max_depth) {
      m_too_deep = true;
      return false;
    }
    std::uint64_t argument = 0;
    unsigned major = 0;
    unsigned info = 0;
    std::size_t head_start = 0;
    do {  // tags: skip their heads, keep what they tag
      head_start = m_at;
      if (!head(major, info, argument)) return false;
      if (major == 6 && info == k_indefinite) return false;
    } while (major == 6);
    out.append(m_input.substr(head_start, m_at - head_start));
    switch (major) {
      case 0: return info != k_indefinite;
      // nlohmann computes -1 - n in a signed 64-bit integer: past -2^63 that overflows.
      case 1: return info != k_indefinite && argument <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
      case 2: case 3:
        if (info == k_indefinite) return chunks(out, depth);
        if (argument > m_input.size() - m_at) return false;
        out.append(m_input.substr(m_at, argument));
        m_at += argument;
        return true;
      case 4: case 5: {
        const std::uint64_t per_entry = major == 5 ? 2 : 1;
        if (info == k_indefinite) return chunks(out, depth);
        if (argument > (m_input.size() - m_at) / per_entry) return false;  // each item takes a byte
        for (std::uint64_t i = 0; i < argument * per_entry; ++i) {
          if (!item(out, depth + 1)) return false;
        }
        return true;
      }
      default: return info != k_indefinite;  // simple values and floats; a stray break is malformed
    }
  }

  // The items of an indefinite-length value, up to and with its break.
  bool chunks(std::string& out, std::size_t depth) {
    while (true) {
      if (m_at >= m_input.size()) return false;
      if (static_cast<unsigned char>(m_input[m_at]) == 0xff) {
        out.push_back(m_input[m_at++]);
        return true;
      }
      if (!item(out, depth + 1)) return false;
    }
  }

  bool head(unsigned& major, unsigned& info, std::uint64_t& argument) {
    if (m_at >= m_input.size()) return false;
    const auto initial = static_cast<unsigned char>(m_input[m_at++]);
    major = initial >> 5;
    info = initial & 31u;
    argument = info;
    if (info < 24 || info == k_indefinite) return true;
    if (info > 27) return false;
    const std::size_t bytes = std::size_t{1} << (info - 24);
    if (bytes > m_input.size() - m_at) return false;
    argument = 0;
    for (std::size_t i = 0; i < bytes; ++i) argument = (argument << 8) | static_cast<unsigned char>(m_input[m_at++]);
    return true;
  }

  std::string_view m_input;
  std::size_t m_max_depth;
  std::size_t m_at = 0;
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

Result<Json> parse_cbor(std::string_view bytes, std::string_view what, std::size_t max_depth) {
  const auto too_deep = [&] {
    return fail(Code::serialization, std::string(what) + " is nested more than " + std::to_string(max_depth) +
                                         " levels deep.");
  };
  const auto invalid = [&] { return fail(Code::serialization, std::string(what) + " is not valid CBOR."); };
  CborTagStripper stripper(bytes, max_depth);
  std::string untagged;
  if (!stripper.strip(untagged)) return stripper.too_deep() ? too_deep() : invalid();
  Json result;
  DepthBoundedDomBuilder builder(result, max_depth, untagged.size());
  auto input = nlohmann::detail::input_adapter(untagged.cbegin(), untagged.cend());
  nlohmann::detail::binary_reader<Json, decltype(input), DepthBoundedDomBuilder> reader(
      std::move(input), nlohmann::detail::input_format_t::cbor);
  const bool parsed = reader.sax_parse(nlohmann::detail::input_format_t::cbor, &builder, /*strict=*/true);
  if (builder.too_deep()) return too_deep();
  if (!parsed || builder.errored()) return invalid();
  return result;
}

}  // namespace berth::model
