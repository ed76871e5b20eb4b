// IAM-style policy parsing and evaluation.
#include "api/auth/policy.hpp"

#include <catch2/catch.hpp>

namespace policy_test {

using namespace berth;
using namespace berth::api::auth;

namespace {

Policy policy(std::string_view document) {
  auto parsed = parse_policy(document);
  INFO(document);
  REQUIRE(parsed.has_value());
  return *parsed;
}

std::string refusal(std::string_view document) {
  auto parsed = parse_policy(document);
  REQUIRE_FALSE(parsed.has_value());
  CHECK(parsed.error().code == Code::invalid_parameter);
  return parsed.error().message;
}

Decision decide(const Policy& one, std::string_view action, std::string_view resource) {
  return evaluate(std::span(&one, 1), action, resource);
}

constexpr std::string_view k_task = "arn:aws:ecs:local:000000000000:task/plant-7/0f3c";

}  // namespace

TEST_CASE("Wildcards: '*' any run, '?' one character; case only where asked", "[auth][policy]") {
  CHECK(wildcard_match("*", "", Case::sensitive));
  CHECK(wildcard_match("*", "anything:at/all", Case::sensitive));
  CHECK(wildcard_match("ecs:Describe*", "ecs:DescribeTasks", Case::sensitive));
  CHECK(wildcard_match("ecs:Describe*", "ecs:Describe", Case::sensitive));
  CHECK_FALSE(wildcard_match("ecs:Describe*", "ecs:ListTasks", Case::sensitive));
  CHECK(wildcard_match("ecs:*Task*", "ecs:RunTask", Case::sensitive));
  CHECK(wildcard_match("ECS:describe*", "ecs:DescribeTasks", Case::insensitive));
  CHECK_FALSE(wildcard_match("ECS:describe*", "ecs:DescribeTasks", Case::sensitive));
  CHECK(wildcard_match("task/plant-?/*", "task/plant-7/abc", Case::sensitive));
  CHECK_FALSE(wildcard_match("task/plant-?/*", "task/plant-17/abc", Case::sensitive));
  CHECK_FALSE(wildcard_match("?", "", Case::sensitive));
  CHECK(wildcard_match("a*b*c", "aXbYbZc", Case::sensitive));
  CHECK_FALSE(wildcard_match("a*b*c", "aXbYbZ", Case::sensitive));
  CHECK(wildcard_match("**a**", "xxa", Case::sensitive));
  CHECK_FALSE(wildcard_match("abc", "abcd", Case::sensitive));
  CHECK(wildcard_match("", "", Case::sensitive));
}

TEST_CASE("Built-in admin allows everything; read-only only reads", "[auth][policy]") {
  const auto admin = builtin_policy("admin");
  REQUIRE(admin.has_value());
  CHECK(decide(*admin, "ecs:RunTask", k_task) == Decision::allow);
  CHECK(decide(*admin, "scheduler:DeleteSchedule", "*") == Decision::allow);
  const auto read_only = builtin_policy("read-only");
  REQUIRE(read_only.has_value());
  CHECK(decide(*read_only, "ecs:DescribeTasks", k_task) == Decision::allow);
  CHECK(decide(*read_only, "ecs:ListClusters", "*") == Decision::allow);
  CHECK(decide(*read_only, "scheduler:GetSchedule", "*") == Decision::allow);
  CHECK(decide(*read_only, "ecs:RunTask", k_task) == Decision::implicit_deny);
  CHECK(decide(*read_only, "secretsmanager:GetSecretValue", "*") == Decision::implicit_deny);
  CHECK_FALSE(builtin_policy("root").has_value());
}

TEST_CASE("Actions match case-insensitively, resources case-sensitively", "[auth][policy]") {
  const Policy p = policy(R"({"Statement":{"Effect":"Allow","Action":"ECS:runtask",
      "Resource":"arn:aws:ecs:local:000000000000:task/Plant-7/*"}})");
  CHECK(decide(p, "ecs:RunTask", "arn:aws:ecs:local:000000000000:task/Plant-7/x") == Decision::allow);
  CHECK(decide(p, "ecs:RunTask", "arn:aws:ecs:local:000000000000:task/plant-7/x") == Decision::implicit_deny);
}

TEST_CASE("A one-cluster policy allows that cluster's tasks only", "[auth][policy]") {
  const Policy p = policy(R"({"Version":"2012-10-17","Statement":[
      {"Sid":"plant7","Effect":"Allow","Action":["ecs:RunTask","ecs:StopTask","ecs:DescribeTasks"],
       "Resource":["arn:aws:ecs:local:000000000000:task/plant-7/*",
                   "arn:aws:ecs:local:000000000000:cluster/plant-7"]}]})");
  CHECK(decide(p, "ecs:StopTask", k_task) == Decision::allow);
  CHECK(decide(p, "ecs:StopTask", "arn:aws:ecs:local:000000000000:task/plant-8/0f3c") == Decision::implicit_deny);
  CHECK(decide(p, "ecs:StopTask", "arn:aws:ecs:local:000000000000:task/plant-77/0f3c") == Decision::implicit_deny);
  CHECK(decide(p, "ecs:DescribeTasks", "arn:aws:ecs:local:000000000000:cluster/plant-7") == Decision::allow);
  CHECK(decide(p, "ecs:DeleteCluster", "arn:aws:ecs:local:000000000000:cluster/plant-7") == Decision::implicit_deny);
}

TEST_CASE("An explicit Deny wins over any Allow, in the same or another policy", "[auth][policy]") {
  const Policy both = policy(R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},
      {"Effect":"Deny","Action":"ecs:Delete*","Resource":"*"}]})");
  CHECK(decide(both, "ecs:DeleteCluster", "arn:aws:ecs:local:000000000000:cluster/default") == Decision::explicit_deny);
  CHECK(decide(both, "ecs:CreateCluster", "*") == Decision::allow);
  const Policy deny_privileged = policy(R"({"Statement":{"Effect":"Deny","NotAction":"ecs:Describe*","Resource":"*"}})");
  const Policy policies[] = {*builtin_policy("admin"), deny_privileged};
  CHECK(evaluate(policies, "ecs:RunTask", k_task) == Decision::explicit_deny);
  CHECK(evaluate(policies, "ecs:DescribeTasks", k_task) == Decision::allow);
  CHECK(evaluate({}, "ecs:DescribeTasks", k_task) == Decision::implicit_deny);
}

TEST_CASE("Refused decisions read as AWS's AccessDeniedException", "[auth][policy]") {
  const AuthError implicit = access_denied(Decision::implicit_deny, "000000000000", "deploy", "ecs:RunTask", k_task);
  CHECK(implicit.exception_name() == "AccessDeniedException");
  CHECK(implicit.message ==
        "User: arn:aws:iam::000000000000:user/deploy is not authorized to perform: ecs:RunTask on resource: "
        "arn:aws:ecs:local:000000000000:task/plant-7/0f3c because no identity-based policy allows the ecs:RunTask action");
  CHECK(access_denied(Decision::explicit_deny, "000000000000", "deploy", "ecs:RunTask", "*").message ==
        "User: arn:aws:iam::000000000000:user/deploy is not authorized to perform: ecs:RunTask on resource: * "
        "with an explicit deny in an identity-based policy");
}

TEST_CASE("Bad policy documents are refused with what is wrong", "[auth][policy]") {
  CHECK(refusal("").find("not valid JSON") != std::string::npos);
  CHECK(refusal("[]") == "Invalid policy document: must be a JSON object");
  CHECK(refusal(R"({"Version":"2012-10-17"})").ends_with("a policy needs a Statement"));
  CHECK(refusal(R"({"Version":"2020-01-01","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})").ends_with("Version must be \"2012-10-17\""));
  CHECK(refusal(R"({"Statement":[]})").ends_with("Statement must hold 1 to 100 statements"));
  CHECK(refusal(R"({"Statement":{"Effect":"allow","Action":"*","Resource":"*"}})").ends_with("Effect must be \"Allow\" or \"Deny\""));
  CHECK(refusal(R"({"Statement":{"Effect":"Allow","Resource":"*"}})").ends_with("a Statement needs an Action or NotAction"));
  CHECK(refusal(R"({"Statement":{"Effect":"Allow","Action":"*"}})").ends_with("a Statement needs a Resource"));
  CHECK(refusal(R"({"Statement":{"Effect":"Allow","Action":"RunTask","Resource":"*"}})").find("'<service>:<action>'") !=
        std::string::npos);
  CHECK(refusal(R"({"Statement":{"Effect":"Allow","Action":"ec*:RunTask","Resource":"*"}})").find("character") !=
        std::string::npos);
  CHECK(refusal(R"({"Statement":{"Effect":"Allow","Action":[],"Resource":"*"}})").find("list of 1 to") != std::string::npos);
  CHECK(refusal(R"({"Statement":{"Effect":"Allow","Action":[1],"Resource":"*"}})").ends_with("only strings"));
  CHECK(refusal(R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"plant-7"}})").find("an ARN") != std::string::npos);
  CHECK(refusal(R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{}}})")
            .ends_with("does not support the Condition element"));
  CHECK(refusal(R"({"Statement":{"Effect":"Allow","Action":"*","NotAction":"x:y","Resource":"*"}})")
            .ends_with("either Action or NotAction, once"));
  CHECK(refusal(R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Extra":1}})").find("unknown") !=
        std::string::npos);
  CHECK(refusal(std::string(k_max_policy_bytes + 1, ' ')).find("longer than") != std::string::npos);
  CHECK(refusal(std::string(20, '[') + std::string(20, ']')).find("nested more than 8 levels") != std::string::npos);
  CHECK(refusal(R"({"Statement":{"Effect":"Allow","Action":")" + std::string(k_max_pattern_bytes + 1, 'a') +
                R"(","Resource":"*"}})").find("entries must be") != std::string::npos);
}

}  // namespace policy_test
