#include <catch2/catch.hpp>

#include "api/elb_dispatch.hpp"
#include "api/query_form.hpp"
#include "api/query_xml.hpp"
#include "fixtures/fixtures.hpp"

namespace elb_dispatch_test {

using namespace berth;

TEST_CASE("query form: dotted names nest, member.N makes lists", "[api][elb]") {
  auto form = api::parse_query_form(
      "Action=RegisterTargets&Version=2015-12-01&TargetGroupArn=arn%3Ax&Targets.member.2.Id=b&Targets.member.2.Port=81"
      "&Targets.member.1.Id=a&Targets.member.1.Port=80&Names.member.1=n%20m");
  REQUIRE(form.has_value());
  CHECK((*form)["TargetGroupArn"] == "arn:x");
  CHECK((*form)["Targets"][0]["Id"] == "a");
  CHECK((*form)["Targets"][1]["Port"] == "81");
  CHECK((*form)["Names"][0] == "n m");
  CHECK_FALSE(api::parse_query_form("A=1&A=2").has_value());
  CHECK_FALSE(api::parse_query_form("A.member.0=1").has_value());
  CHECK_FALSE(api::parse_query_form("A=1&A.B=2").has_value());
}

TEST_CASE("query XML: results and errors in ELBv2's shape, escaped", "[api][elb]") {
  const model::Json result{{"LoadBalancers", model::Json::array({{{"LoadBalancerName", "a<b"}, {"Port", 80}}})}};
  CHECK(api::query_xml_reply("DescribeLoadBalancers", "ns", result, "r1") ==
        "<DescribeLoadBalancersResponse xmlns=\"ns\"><DescribeLoadBalancersResult><LoadBalancers><member>"
        "<LoadBalancerName>a&lt;b</LoadBalancerName><Port>80</Port></member></LoadBalancers>"
        "</DescribeLoadBalancersResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata>"
        "</DescribeLoadBalancersResponse>");
  CHECK(api::query_xml_error("ns", true, "LoadBalancerNotFound", "x & y", "r2") ==
        "<ErrorResponse xmlns=\"ns\"><Error><Type>Sender</Type><Code>LoadBalancerNotFound</Code>"
        "<Message>x &amp; y</Message></Error><RequestId>r2</RequestId></ErrorResponse>");
  CHECK(api::iso8601_ms(1'700'000'000'123) == "2023-11-14T22:13:20.123Z");
}

TEST_CASE_METHOD(berth::testing::ServiceFixture, "ELB dispatch: a call end to end, and its errors as XML",
                 "[api][elb]") {
  CHECK(api::is_elb_request("application/x-www-form-urlencoded; charset=utf-8", "Action=X&Version=2015-12-01"));
  CHECK_FALSE(api::is_elb_request("application/x-www-form-urlencoded", "Action=X&Version=2010-08-01"));
  auto call = api::decode_elb_request("Action=CreateLoadBalancer&Version=2015-12-01&Name=edge&Type=network");
  REQUIRE(call.has_value());
  auto response = api::elb_response(call->action, api::run_call(*ctx, *call));
  CHECK(response.status == 200);
  CHECK(response.body.find("<LoadBalancerName>edge</LoadBalancerName>") != std::string::npos);
  CHECK(response.body.find("<Type>network</Type>") != std::string::npos);

  call = api::decode_elb_request("Action=DescribeLoadBalancers&Version=2015-12-01&Names.member.1=nope");
  REQUIRE(call.has_value());
  response = api::elb_response(call->action, api::run_call(*ctx, *call));
  CHECK(response.status == 400);
  CHECK(response.body.find("<Code>LoadBalancerNotFound</Code>") != std::string::npos);

  auto unknown = api::decode_elb_request("Action=SetSubnets&Version=2015-12-01");
  REQUIRE_FALSE(unknown.has_value());
  CHECK(api::elb_response("SetSubnets", unknown.error()).body.find("<Code>InvalidAction</Code>") != std::string::npos);
}

}  // namespace elb_dispatch_test
