#include "model/names.hpp"

#include <catch2/catch.hpp>

#include "model/tags.hpp"

namespace names_test {

using namespace berth::model;

TEST_CASE("names: ECS pattern, 1-255 characters", "[model]") {
  CHECK(is_valid_name("python-app_2"));
  CHECK_FALSE(is_valid_name(""));
  CHECK_FALSE(is_valid_name(std::string(256, 'a')));
  CHECK(is_valid_name(std::string(255, 'a')));
  CHECK_FALSE(is_valid_name("../etc"));
  CHECK_FALSE(is_valid_name("a/b"));
  CHECK_FALSE(is_valid_name("a b"));
  CHECK_FALSE(is_valid_name(std::string("a\0b", 3)));
}

TEST_CASE("paths: absolute, no '..' component", "[model]") {
  CHECK(is_clean_absolute_path("/data"));
  CHECK(is_clean_absolute_path("/var/lib/x..y"));
  CHECK_FALSE(is_clean_absolute_path("data"));
  CHECK_FALSE(is_clean_absolute_path("/data/../etc"));
  CHECK_FALSE(is_clean_absolute_path("/.."));
  CHECK_FALSE(is_clean_absolute_path(""));
}

TEST_CASE("tags: limits as ECS", "[model]") {
  CHECK(read_tags(Json::parse(R"([{"key":"team","value":"edge"}])")).has_value());
  CHECK_FALSE(read_tags(Json::parse(R"([{"key":"aws:x","value":"v"}])")).has_value());
  CHECK_FALSE(read_tags(Json::parse(R"([{"key":"","value":"v"}])")).has_value());
  CHECK_FALSE(read_tags(Json::parse(R"([{"key":"a","value":"1"},{"key":"a","value":"2"}])")).has_value());
  Json fifty_one = Json::array();
  for (int i = 0; i < 51; ++i) fifty_one.push_back({{"key", "k" + std::to_string(i)}, {"value", ""}});
  CHECK_FALSE(read_tags(fifty_one).has_value());
  CHECK_FALSE(read_tags(Json::array({{{"key", std::string(129, 'k')}, {"value", ""}}})).has_value());
  CHECK_FALSE(read_tags(Json::array({{{"key", "k"}, {"value", std::string(257, 'v')}}})).has_value());
}

}  // namespace names_test
