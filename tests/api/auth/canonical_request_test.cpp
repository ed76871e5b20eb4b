// The pieces of the SigV4 canonical request, and the dates and digests around them.
#include "api/auth/canonical_request.hpp"

#include <catch2/catch.hpp>

#include "api/auth/digest.hpp"
#include "api/auth/sigv4.hpp"

namespace canonical_request_test {

using namespace berth::api::auth;

TEST_CASE("URI encoding keeps only unreserved bytes, upper-case hex", "[auth][sigv4]") {
  CHECK(uri_encode("a-b_c.d~e/f g+h*%", Slash::encode) == "a-b_c.d~e%2Ff%20g%2Bh%2A%25");
  CHECK(uri_encode("/a b/", Slash::keep) == "/a%20b/");
  CHECK(uri_encode("\xE1\x88\xB4", Slash::encode) == "%E1%88%B4");
  CHECK(berth::percent_decode("%e1%88%B4+%zz%4", berth::PlusIsSpace::no) == "\xE1\x88\xB4+%zz%4");
}

TEST_CASE("The canonical URI normalizes the path and encodes it once more, as non-S3 signers do", "[auth][sigv4]") {
  CHECK(canonical_uri("") == "/");
  CHECK(canonical_uri("/") == "/");
  CHECK(canonical_uri("/./") == "/");
  CHECK(canonical_uri("//example//") == "/example/");
  CHECK(canonical_uri("/example1/example2/../..") == "/");
  CHECK(canonical_uri("/../a/./b/../c") == "/a/c");
  CHECK(canonical_uri("/schedules/plant-7%3Abackup") == "/schedules/plant-7%253Abackup");
  CHECK(canonical_uri("/example space/") == "/example%20space/");
}

TEST_CASE("The canonical query re-encodes, sorts by name then value and can skip the signature", "[auth][sigv4]") {
  const auto params = parse_query("b=2&a=z&a=y&&c&%E1%88%B4=%41&X-Amz-Signature=ff&sp=a%20b+c");
  // Sorted as encoded, so '%' (0x25) comes before letters, as in the AWS suite's
  // get-vanilla-query-order-encoded.
  CHECK(canonical_query(params) == "%E1%88%B4=A&X-Amz-Signature=ff&a=y&a=z&b=2&c=&sp=a%20b%2Bc");
  CHECK(canonical_query(params, "X-Amz-Signature") == "%E1%88%B4=A&a=y&a=z&b=2&c=&sp=a%20b%2Bc");
  CHECK(canonical_query(parse_query("")).empty());
}

TEST_CASE("Header values are trimmed and folded; repeats join with commas in arrival order", "[auth][sigv4]") {
  CHECK(trim_all("  a   b\t\r\n  c  ") == "a b c");
  const HeaderField headers[] = {{"Host", "h"}, {"My-Header1", "value2"}, {"my-header1", " value1 "}, {"X", "x"}};
  const std::string names[] = {"host", "my-header1", "absent"};
  CHECK(canonical_headers(headers, names) == "host:h\nmy-header1:value2,value1\nabsent:\n");
}

TEST_CASE("ISO 8601 basic dates parse strictly and format back", "[auth][sigv4]") {
  CHECK(parse_amz_date("20150830T123600Z") == 1440938160);
  CHECK(format_amz_date(1440938160) == "20150830T123600Z");
  CHECK(parse_amz_date("20240229T000000Z").has_value());
  for (const char* bad : {"20230229T000000Z", "20150830T123600", "2015-08-30T12:36Z", "20151330T000000Z",
                          "20150830T246000Z", "2015083OT123600Z", ""}) {
    INFO(bad);
    CHECK_FALSE(parse_amz_date(bad).has_value());
  }
}

TEST_CASE("Digests and the AWS4 key derivation match the published examples", "[auth][sigv4]") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // The get-vanilla string to sign of the AWS suite, and its signature.
  const std::string sts =
      "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
      "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63";
  CHECK(sign("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830", "us-east-1", "service", sts) ==
        "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  CHECK(constant_time_equal("abc", "abc"));
  CHECK_FALSE(constant_time_equal("abc", "abd"));
  CHECK_FALSE(constant_time_equal("abc", "abcd"));
  CHECK(constant_time_equal("", ""));
}

}  // namespace canonical_request_test
