#include "api/query_form.hpp"

#include "api/http_target.hpp"
#include "common/numbers.hpp"
#include "common/split.hpp"

namespace berth::api {
namespace {

constexpr std::size_t k_max_parameters = 1000;
constexpr std::size_t k_max_list = 1000;
constexpr std::size_t k_max_depth = 8;

Result<void> place(model::Json& root, std::string_view name, const std::string& value) {
  const auto parts = split(name, '.');
  if (parts.size() > k_max_depth * 2) return fail(Code::invalid_parameter, "The parameter " + std::string(name) + " is nested too deep.");
  model::Json* at = &root;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string_view part = parts[i];
    if (part.empty()) return fail(Code::invalid_parameter, "The parameter name '" + std::string(name) + "' is malformed.");
    if (part == "member" && i + 1 < parts.size()) {
      const auto index = parse_integer_in<std::size_t>(parts[i + 1], 1, k_max_list);
      if (!index) return fail(Code::invalid_parameter, "The parameter " + std::string(name) + " has a bad list index.");
      if (!at->is_array()) {
        if (!at->is_null()) return fail(Code::invalid_parameter, "The parameter " + std::string(name) + " mixes a list and a value.");
        *at = model::Json::array();
      }
      while (at->size() < *index) at->push_back(nullptr);
      at = &(*at)[*index - 1];
      ++i;
      continue;
    }
    if (!at->is_object()) {
      if (!at->is_null()) return fail(Code::invalid_parameter, "The parameter " + std::string(name) + " mixes a structure and a value.");
      *at = model::Json::object();
    }
    at = &(*at)[std::string(part)];
  }
  if (!at->is_null()) return fail(Code::invalid_parameter, "The parameter " + std::string(name) + " is given twice.");
  *at = value;
  return {};
}

}  // namespace

Result<model::Json> parse_query_form(std::string_view body) {
  // The form is a query string: the target parser decodes it the same way.
  const RequestTarget form = parse_target("/?" + std::string(body));
  if (form.parameters.size() > k_max_parameters) {
    return fail(Code::invalid_parameter, "The request has more than " + std::to_string(k_max_parameters) + " parameters.");
  }
  model::Json root = model::Json::object();
  for (const auto& [name, value] : form.parameters) BERTH_TRY(place(root, name, value));
  return root;
}

}  // namespace berth::api
