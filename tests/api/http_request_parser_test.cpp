#include "api/http_request_parser.hpp"

#include <catch2/catch.hpp>

namespace http_request_parser_test {

using berth::api::HttpLimits;
using berth::api::HttpRequestParser;
using State = HttpRequestParser::State;

namespace {

struct Outcome {
  State state = State::idle;
  std::size_t used = 0;
  berth::api::HttpRequest request;
  berth::api::HttpParseError error;
  bool expected_continue = false;
};

// Feeds `text` in pieces of `piece` bytes (as a socket might deliver it) until the parser stops
// taking bytes; returns where it ended.
Outcome parse_in_pieces(std::string_view text, std::size_t piece, const HttpLimits& limits = {}) {
  HttpRequestParser parser(limits);
  Outcome out;
  while (out.used < text.size()) {
    const std::size_t n = parser.feed(text.substr(out.used, piece));
    out.used += n;
    out.expected_continue = out.expected_continue || parser.expects_continue();
    if (n == 0) break;
  }
  out.state = parser.state();
  if (out.state == State::failed) out.error = parser.error();
  if (out.state == State::complete) out.request = parser.take();
  return out;
}

// Parses `text` whole and byte by byte, checks both agree, returns the outcome.
Outcome parse(std::string_view text, const HttpLimits& limits = {}) {
  Outcome whole = parse_in_pieces(text, text.size() + 1, limits);
  Outcome bytewise = parse_in_pieces(text, 1, limits);
  CHECK(whole.state == bytewise.state);
  if (whole.state != State::failed) CHECK(whole.used == bytewise.used);  // a failure may stop mid-piece
  CHECK(whole.request.body == bytewise.request.body);
  CHECK(whole.error.status == bytewise.error.status);
  return whole;
}

int status_of(std::string_view text, const HttpLimits& limits = {}) {
  const Outcome out = parse(text, limits);
  return out.state == State::failed ? out.error.status : out.state == State::complete ? 200 : 0;
}

const std::string k_post = "POST /x?a=1 HTTP/1.1\r\nHost: berth\r\nX-Amz-Target: T\r\n";

}  // namespace

TEST_CASE("http parser: a Content-Length request, in any pieces", "[api][http]") {
  const Outcome out = parse(k_post + "Content-Length: 2\r\n\r\n{}");
  REQUIRE(out.state == State::complete);
  CHECK(out.request.method == "POST");
  CHECK(out.request.target == "/x?a=1");
  CHECK(out.request.minor_version == 1);
  CHECK(out.request.header("x-amz-target") == "T");
  CHECK(out.request.body == "{}");
  CHECK(out.request.keep_alive);
  // No framing: a request without Content-Length or Transfer-Encoding has no body.
  const Outcome bare = parse(k_post + "\r\n{}");
  CHECK(bare.state == State::complete);
  CHECK(bare.request.body.empty());
  CHECK(bare.used == k_post.size() + 2);
}

TEST_CASE("http parser: chunked bodies with extensions and trailers", "[api][http]") {
  const Outcome out = parse(k_post + "Transfer-Encoding: Chunked\r\n\r\n"
                                     "4;ext=1\r\nWiki\r\n5 ; name=\"v\"\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n"
                                     "0\r\nX-Trailer: 1\r\nOther: 2\r\n\r\n");
  REQUIRE(out.state == State::complete);
  CHECK(out.request.body == "Wikipedia in\r\n\r\nchunks.");
  CHECK_FALSE(out.request.has_header("x-trailer"));  // trailers are dropped
  CHECK(parse(k_post + "Transfer-Encoding: chunked\r\n\r\n000000000000000000001\r\nx\r\n0\r\n\r\n").request.body == "x");
  const std::string chunked = k_post + "Transfer-Encoding: chunked\r\n\r\n";
  CHECK(status_of(chunked + "zz\r\nx\r\n0\r\n\r\n") == 400);    // not hex
  CHECK(status_of(chunked + "0x1\r\nx\r\n0\r\n\r\n") == 400);   // no 0x
  CHECK(status_of(chunked + "\r\nx\r\n0\r\n\r\n") == 400);      // no size
  CHECK(status_of(chunked + "1 2\r\nx\r\n0\r\n\r\n") == 400);   // junk after the size
  CHECK(status_of(chunked + "1\r\nxy\r\n0\r\n\r\n") == 400);    // data longer than its size
  CHECK(status_of(chunked + "1\r\nx\r\n0\r\nbad trailer\r\n\r\n") == 400);
  CHECK(status_of(chunked + "ffffffffffffffffffff\r\n") == 413);  // overflows any size type
  CHECK(status_of(chunked + "7fffffffffffffff\r\n") == 413);
  CHECK(status_of(chunked + "1;" + std::string(2000, 'e') + "\r\nx\r\n0\r\n\r\n") == 400);  // endless extension
}

TEST_CASE("http parser: the body limit holds for every framing", "[api][http]") {
  const HttpLimits limits{16 * 1024, 100, 10};
  CHECK(status_of(k_post + "Content-Length: 10\r\n\r\n0123456789", limits) == 200);
  // Over the limit by Content-Length: refused at the end of the head, before any body byte.
  const std::string head = k_post + "Content-Length: 11\r\n\r\n";
  const Outcome over = parse(head + "01234567890", limits);
  CHECK(over.error.status == 413);
  CHECK(over.used == head.size());
  CHECK(status_of(k_post + "Content-Length: 99999999999999999999999999\r\n\r\n", limits) == 413);
  // Chunked: the decoded total counts, across chunks.
  const std::string chunked = k_post + "Transfer-Encoding: chunked\r\n\r\n";
  CHECK(status_of(chunked + "5\r\n01234\r\n5\r\n56789\r\n0\r\n\r\n", limits) == 200);
  CHECK(status_of(chunked + "5\r\n01234\r\n6\r\n567890\r\n0\r\n\r\n", limits) == 413);
  CHECK(status_of(chunked + "b\r\n", limits) == 413);
  HttpRequestParser parser(limits);
  parser.feed(chunked + "5\r\n01234\r\n5\r\n56789\r\n");
  CHECK(parser.buffered_bytes() <= limits.max_body_bytes + limits.max_header_bytes);
}

TEST_CASE("http parser: header bytes and count are capped while they arrive", "[api][http]") {
  const HttpLimits limits{256, 5, 1 << 20};
  // A header line that never ends fails once it passes the cap: nothing past it is taken.
  HttpRequestParser parser(limits);
  const std::string endless = "GET / HTTP/1.1\r\nX-Big: " + std::string(10'000, 'a');
  const std::size_t used = parser.feed(endless);
  CHECK(parser.state() == State::failed);
  CHECK(parser.error().status == 431);
  CHECK(used <= limits.max_header_bytes);
  CHECK(status_of("GET /" + std::string(300, 'a') + " HTTP/1.1\r\n\r\n", limits) == 414);
  std::string five = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 5; ++i) five += "H" + std::to_string(i) + ": v\r\n";
  CHECK(status_of(five + "\r\n", limits) == 200);
  CHECK(status_of(five + "H5: v\r\n\r\n", limits) == 431);
  // Trailers are held to the same caps.
  std::string trailers = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n";
  for (int i = 0; i < 6; ++i) trailers += "T" + std::to_string(i) + ": v\r\n";
  CHECK(status_of(trailers + "\r\n", limits) == 431);
}

TEST_CASE("http parser: duplicate, conflicting and non-numeric lengths are refused", "[api][http]") {
  CHECK(status_of(k_post + "Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}") == 400);
  CHECK(status_of(k_post + "Content-Length: 2\r\ncontent-length: 3\r\n\r\n{}") == 400);
  CHECK(status_of(k_post + "Content-Length: 2, 2\r\n\r\n{}") == 400);
  CHECK(status_of(k_post + "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n") == 400);
  CHECK(status_of(k_post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n") == 400);
  for (const char* bad : {"abc", "+2", "-1", "0x2", "2 2", "", "1e3"}) {
    INFO(bad);
    CHECK(status_of(k_post + "Content-Length: " + bad + "\r\n\r\n{}") == 400);
  }
  CHECK(status_of(k_post + "Transfer-Encoding: gzip, chunked\r\n\r\n") == 501);
  CHECK(status_of("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n") == 400);
}

TEST_CASE("http parser: malformed heads are 400, other versions 505", "[api][http]") {
  CHECK(status_of("GET / HTTP/1.1\r\nBad Name: v\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.1\r\nName : v\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.1\r\nA: v\r\n folded\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.1\r\nA: v\rw\r\n\r\n") == 400);  // bare CR
  CHECK(status_of(std::string("GET / HTTP/1.1\r\nA: v\0w\r\n\r\n", 27)) == 400);
  CHECK(status_of("GET  / HTTP/1.1\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.1 x\r\n\r\n") == 400);
  CHECK(status_of("GET / FTP/1.1\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/2.0\r\n\r\n") == 505);
  CHECK(status_of("GET / HTTP/1.1\r\nExpect: something\r\n\r\n") == 417);
  // Tolerated: a blank line before the request, bare LF line ends.
  CHECK(status_of("\r\nGET / HTTP/1.1\r\n\r\n") == 200);
  CHECK(status_of("GET / HTTP/1.1\nA: b\n\n") == 200);
}

TEST_CASE("http parser: pipelined requests come out one at a time", "[api][http]") {
  const std::string first = k_post + "Content-Length: 2\r\n\r\n{}";
  const std::string second = "GET /second HTTP/1.1\r\n\r\n";
  HttpRequestParser parser(HttpLimits{});
  const std::string both = first + second;
  const std::size_t used = parser.feed(both);
  CHECK(used == first.size());
  REQUIRE(parser.state() == State::complete);
  CHECK(parser.take().body == "{}");
  CHECK(parser.state() == State::idle);
  CHECK(parser.feed(std::string_view(both).substr(used)) == second.size());
  REQUIRE(parser.state() == State::complete);
  CHECK(parser.take().target == "/second");
}

TEST_CASE("http parser: keep-alive and close by version and Connection", "[api][http]") {
  const auto keep_alive = [](const std::string& text) { return parse(text).request.keep_alive; };
  CHECK(keep_alive("GET / HTTP/1.1\r\n\r\n"));
  CHECK_FALSE(keep_alive("GET / HTTP/1.1\r\nConnection: close\r\n\r\n"));
  CHECK_FALSE(keep_alive("GET / HTTP/1.1\r\nConnection: Keep-Alive, CLOSE\r\n\r\n"));
  CHECK_FALSE(keep_alive("GET / HTTP/1.0\r\n\r\n"));
  CHECK(keep_alive("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  CHECK(parse("GET / HTTP/1.0\r\n\r\n").request.minor_version == 0);
}

TEST_CASE("http parser: Expect 100-continue is reported until the body comes", "[api][http]") {
  HttpRequestParser parser(HttpLimits{});
  parser.feed(k_post + "Expect: 100-Continue\r\nContent-Length: 2\r\n\r\n");
  CHECK(parser.state() == State::body);
  CHECK(parser.expects_continue());
  parser.feed("{}");
  CHECK(parser.state() == State::complete);
  CHECK_FALSE(parser.expects_continue());
  // Nothing to continue: no body, or HTTP/1.0 (which has no 100 Continue).
  CHECK_FALSE(parse(k_post + "Expect: 100-continue\r\nContent-Length: 0\r\n\r\n").expected_continue);
  CHECK_FALSE(parse("POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n{}").expected_continue);
  // An oversized body is refused without asking for it.
  const HttpLimits small{16 * 1024, 100, 1};
  const Outcome refused = parse(k_post + "Expect: 100-continue\r\nContent-Length: 2\r\n\r\n", small);
  CHECK(refused.error.status == 413);
  CHECK_FALSE(refused.expected_continue);
}

TEST_CASE("http parser: buffered bytes count what is held, not what is declared or filled", "[api][http]") {
  HttpRequestParser parser(HttpLimits{});
  const std::string big_header(8000, 'x');
  const std::string head = "POST / HTTP/1.1\r\nX-Big: " + big_header + "\r\nContent-Length: 1048576\r\n\r\n";
  REQUIRE(parser.feed(head + "abc") == head.size() + 3);
  REQUIRE(parser.state() == State::body);
  // A head that declares a megabyte holds only what has come: the body is not reserved up front.
  CHECK(parser.request().body.capacity() < 4096);
  // The parsed headers are still held once the head is done, and they are counted.
  CHECK(parser.buffered_bytes() >= big_header.size());
  CHECK(parser.buffered_bytes() < big_header.size() + 4 * 4096);
  // As the body grows, its allocation (capacity) is what counts.
  const std::string piece(100'000, 'b');
  parser.feed(piece);
  CHECK(parser.buffered_bytes() >= parser.request().body.capacity() + big_header.size());
  CHECK(parser.request().body.capacity() <= 2 * parser.request().body.size());
  parser.feed(std::string(1048576 - 3 - piece.size(), 'c'));
  REQUIRE(parser.state() == State::complete);
  // Grown in steps, the body never takes more than the declared size.
  CHECK(parser.request().body.capacity() <= 1048576 + 32);
}

}  // namespace http_request_parser_test
