#include "cli/exec_client.hpp"

#include <catch2/catch.hpp>

namespace exec_client_test {

using namespace berth;
using namespace berth::cli;

TEST_CASE("exec client: the request that opens a session", "[cli][exec]") {
  model::ExecSessionRequest request{std::string("plant-7"), "0f", std::string("web"), {"sh", "-c", "echo hi"}, true, false};
  const std::string text = exec_session_request(request);
  const std::string body =
      R"({"cluster":"plant-7","command":["sh","-c","echo hi"],"container":"web","interactive":false,"task":"0f","tty":true})";
  CHECK(text == "POST /v1/exec HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: berth-exec\r\n"
                "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
}

TEST_CASE("exec client: a 101 opens the session; frames may follow in the same read", "[cli][exec]") {
  const std::string head = "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: berth-exec\r\n\r\n";
  CHECK_FALSE(parse_session_reply(head.substr(0, 20)).value().has_value());
  auto opened = parse_session_reply(head + "\x01\x00");
  REQUIRE(opened.has_value());
  REQUIRE(opened->has_value());
  CHECK((*opened)->opened);
  CHECK((*opened)->consumed == head.size());
}

TEST_CASE("exec client: a refusal is its error type and message, once its body is whole", "[cli][exec]") {
  const std::string body = R"({"__type":"AccessDeniedException","message":"not you"})";
  const std::string reply = "HTTP/1.1 400 Bad Request\r\ncontent-length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  CHECK_FALSE(parse_session_reply(reply.substr(0, reply.size() - 1)).value().has_value());
  auto refused = parse_session_reply(reply);
  REQUIRE(refused.has_value());
  REQUIRE(refused->has_value());
  CHECK_FALSE((*refused)->opened);
  CHECK((*refused)->refusal == "AccessDeniedException: not you");
  auto bare = parse_session_reply("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 2\r\n\r\n{}");
  CHECK(bare.value()->refusal == "HTTP 503");
}

TEST_CASE("exec client: bytes that are not a bounded HTTP reply are refused", "[cli][exec]") {
  CHECK_FALSE(parse_session_reply("SSH-2.0-OpenSSH\r\n\r\n").has_value());
  CHECK_FALSE(parse_session_reply("HTTP/1.1 abc\r\n\r\n").has_value());
  CHECK_FALSE(parse_session_reply("HTTP/1.1 400 Bad\r\nContent-Length: x\r\n\r\n").has_value());
  CHECK_FALSE(parse_session_reply("HTTP/1.1 400 Bad\r\nContent-Length: 99999999\r\n\r\n").has_value());
  CHECK_FALSE(parse_session_reply(std::string(k_max_session_reply_bytes + 1, 'x')).has_value());
}

}  // namespace exec_client_test
