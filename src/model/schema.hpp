// Shapes of ECS request bodies and a checker that walks a JSON value against one, so that every
// request is type-checked before any use case sees it. Shapes are immutable; thread-safe.
#pragma once

#include <climits>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.hpp"

namespace berth::model {

using Json = nlohmann::json;

enum class Kind { string, integer, long_integer, boolean, number, timestamp, list, map, structure, any };

struct Shape;

struct Member {
  std::string_view name;
  const Shape* shape;
  bool required = false;
};

struct Shape {
  Kind kind = Kind::string;
  std::vector<Member> members;                // structure
  const Shape* element = nullptr;             // list element, map value
  std::vector<std::string_view> enum_values;  // string enum (empty = any string)
  long long min = LLONG_MIN;                  // integer range
  long long max = LLONG_MAX;
};

// Shape constructors, used to declare request shapes as static tables.
Shape string_shape();
Shape enum_shape(std::vector<std::string_view> values);
Shape integer_shape(long long min = INT_MIN, long long max = INT_MAX);
Shape long_shape();
Shape boolean_shape();
Shape number_shape();
Shape timestamp_shape();
Shape list_of(const Shape& element);
Shape map_of(const Shape& value);
Shape structure(std::vector<Member> members);
// Any JSON value: for members berth accepts and stores but does not interpret.
Shape any_shape();

// Checks `value` against `shape` and removes members that are JSON null (null means "not set"
// in the AWS JSON protocol). `path` names the value in messages ("containerDefinitions[0].cpu").
// Errors: SerializationException for a wrong JSON type; InvalidParameterException for a
// missing required member, an unknown member or a value outside its enum or range.
[[nodiscard]] Result<void> check_shape(Json& value, const Shape& shape, const std::string& path = "");

// Parses a request body (nesting bounded by parse_json; an empty body is an empty object, as
// AWS clients send for actions without members) and checks it against `shape`. Returns the
// request, or SerializationException / InvalidParameterException as check_shape does.
[[nodiscard]] Result<Json> decode_request_body(std::string_view body, const Shape& shape);

}  // namespace berth::model
