#include "model/schema.hpp"

#include <algorithm>

#include "model/json_parse.hpp"

namespace berth::model {
namespace {

std::string join_path(const std::string& path, std::string_view member) {
  return path.empty() ? std::string(member) : path + "." + std::string(member);
}

std::string describe(const std::string& path) { return path.empty() ? "request body" : "'" + path + "'"; }

std::string_view kind_name(Kind kind) {
  switch (kind) {
    case Kind::string: return "a string";
    case Kind::integer: return "an integer";
    case Kind::long_integer: return "an integer";
    case Kind::boolean: return "a boolean";
    case Kind::number: return "a number";
    case Kind::timestamp: return "a timestamp (epoch seconds)";
    case Kind::list: return "a list";
    case Kind::map: return "an object";
    case Kind::structure: return "an object";
    case Kind::any: return "a value";
  }
  return "a value";
}

Result<void> type_error(const std::string& path, Kind kind, const Json& value) {
  return fail(Code::serialization,
              "Expected " + std::string(kind_name(kind)) + " for " + describe(path) + " but got " +
                  std::string(value.type_name()));
}

Result<void> check_integer(const Json& value, const Shape& shape, const std::string& path) {
  if (!value.is_number_integer()) return type_error(path, shape.kind, value);
  if (value.is_number_unsigned() && value.get<unsigned long long>() > LLONG_MAX) {
    return fail(Code::invalid_parameter, describe(path) + " is out of range");
  }
  const long long n = value.get<long long>();
  if (n < shape.min || n > shape.max) {
    return fail(Code::invalid_parameter, describe(path) + " must be between " +
                                             std::to_string(shape.min) + " and " +
                                             std::to_string(shape.max) + ", got " + std::to_string(n));
  }
  return {};
}

Result<void> check_structure(Json& value, const Shape& shape, const std::string& path) {
  if (!value.is_object()) return type_error(path, shape.kind, value);
  std::vector<std::string> nulls;
  for (auto it = value.begin(); it != value.end(); ++it) {
    const auto member = std::find_if(shape.members.begin(), shape.members.end(),
                                     [&](const Member& m) { return m.name == it.key(); });
    if (member == shape.members.end()) {
      return fail(Code::invalid_parameter,
                  "Unknown parameter '" + it.key() + "' in " + describe(path));
    }
    if (it.value().is_null()) {
      nulls.push_back(it.key());
      continue;
    }
    auto checked = check_shape(it.value(), *member->shape, join_path(path, it.key()));
    if (!checked) return checked;
  }
  for (const auto& key : nulls) value.erase(key);
  for (const auto& member : shape.members) {
    if (member.required && !value.contains(member.name)) {
      return fail(Code::invalid_parameter,
                  "Missing required parameter '" + join_path(path, member.name) + "'");
    }
  }
  return {};
}

Shape make_shape(Kind kind) {
  Shape shape;
  shape.kind = kind;
  return shape;
}

}  // namespace

Shape string_shape() { return make_shape(Kind::string); }
Shape enum_shape(std::vector<std::string_view> values) {
  Shape shape = make_shape(Kind::string);
  shape.enum_values = std::move(values);
  return shape;
}
Shape integer_shape(long long min, long long max) {
  Shape shape = make_shape(Kind::integer);
  shape.min = min;
  shape.max = max;
  return shape;
}
Shape long_shape() { return make_shape(Kind::long_integer); }
Shape boolean_shape() { return make_shape(Kind::boolean); }
Shape number_shape() { return make_shape(Kind::number); }
Shape timestamp_shape() { return make_shape(Kind::timestamp); }
Shape list_of(const Shape& element) {
  Shape shape = make_shape(Kind::list);
  shape.element = &element;
  return shape;
}
Shape map_of(const Shape& value) {
  Shape shape = make_shape(Kind::map);
  shape.element = &value;
  return shape;
}
Shape any_shape() { return make_shape(Kind::any); }

Shape structure(std::vector<Member> members) {
  Shape shape = make_shape(Kind::structure);
  shape.members = std::move(members);
  return shape;
}

Result<void> check_shape(Json& value, const Shape& shape, const std::string& path) {
  switch (shape.kind) {
    case Kind::string:
      if (!value.is_string()) return type_error(path, shape.kind, value);
      if (!shape.enum_values.empty() &&
          std::find(shape.enum_values.begin(), shape.enum_values.end(),
                    value.get_ref<const std::string&>()) == shape.enum_values.end()) {
        std::string allowed;
        for (auto v : shape.enum_values) allowed += (allowed.empty() ? "" : ", ") + std::string(v);
        return fail(Code::invalid_parameter, describe(path) + " must be one of: " + allowed);
      }
      return {};
    case Kind::integer:
    case Kind::long_integer:
      return check_integer(value, shape, path);
    case Kind::boolean:
      if (!value.is_boolean()) return type_error(path, shape.kind, value);
      return {};
    case Kind::number:
      if (!value.is_number()) return type_error(path, shape.kind, value);
      return {};
    case Kind::timestamp:
      if (!value.is_number() && !value.is_string()) return type_error(path, shape.kind, value);
      return {};
    case Kind::list: {
      if (!value.is_array()) return type_error(path, shape.kind, value);
      for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i].is_null()) {
          return fail(Code::serialization, "Null element in list " + describe(path));
        }
        auto checked = check_shape(value[i], *shape.element, path + "[" + std::to_string(i) + "]");
        if (!checked) return checked;
      }
      return {};
    }
    case Kind::map:
      if (!value.is_object()) return type_error(path, shape.kind, value);
      for (auto it = value.begin(); it != value.end(); ++it) {
        auto checked = check_shape(it.value(), *shape.element, join_path(path, it.key()));
        if (!checked) return checked;
      }
      return {};
    case Kind::structure:
      return check_structure(value, shape, path);
    case Kind::any:
      return {};
  }
  return {};
}

Result<Json> decode_request_body(std::string_view body, const Shape& shape) {
  BERTH_ASSIGN(Json request, body.empty() ? Result<Json>(Json::object()) : parse_json(body, "The request body"));
  BERTH_TRY(check_shape(request, shape));
  return request;
}

}  // namespace berth::model
