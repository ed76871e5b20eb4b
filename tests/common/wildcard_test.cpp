#include "common/wildcard.hpp"

#include <catch2/catch.hpp>

namespace wildcard_test {

using namespace berth;

// The IAM cases are in tests/api/auth/policy_test.cpp; the filter pattern's in
// tests/model/log_filter_pattern_test.cpp.
TEST_CASE("wildcard_match: '?' only where allowed, and a '*' in the text is no wildcard", "[common][wildcard]") {
  CHECK(wildcard_match("a?c", "abc", Case::sensitive));
  CHECK_FALSE(wildcard_match("a?c", "abc", Case::sensitive, Wildcards::star));
  CHECK(wildcard_match("a?c", "a?c", Case::sensitive, Wildcards::star));
  CHECK(wildcard_match("adm*", "admin-7", Case::sensitive, Wildcards::star));
  CHECK_FALSE(wildcard_match("adm*", "Admin-7", Case::sensitive, Wildcards::star));
  CHECK(wildcard_match("adm*", "Admin-7", Case::insensitive, Wildcards::star));
  // The pattern's '*' stands for "*x" here: taking the text's '*' for a literal match first
  // (as the policy matcher once did) lost the backtrack point and answered no.
  CHECK(wildcard_match("a*b", "a*xb", Case::sensitive));
  CHECK(wildcard_match("a*b", "a*xb", Case::sensitive, Wildcards::star));
  CHECK(wildcard_match("*", "*", Case::sensitive));
}

}  // namespace wildcard_test
