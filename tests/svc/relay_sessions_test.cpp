#include "svc/relay_sessions.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <thread>

#include "fixtures/fixtures.hpp"

namespace relay_sessions_test {

using namespace berth;
using berth::testing::FakeClock;

namespace {

constexpr auto k_deadline = std::chrono::seconds(10);

svc::RelayAsk exec_ask(const std::string& runtime_id) {
  return {svc::RelayAsk::Kind::exec, runtime_id, model::ExecSessionRequest{std::nullopt, "t1", std::nullopt, {"sh"}, true, true}};
}

// A pipe's read end: a real descriptor to hand over; is_open says whether it was closed since.
struct Socket {
  int fds[2] = {-1, -1};
  Socket() { REQUIRE(::pipe(fds) == 0); }
  ~Socket() {
    for (const int fd : fds) {
      if (fd >= 0 && ::fcntl(fd, F_GETFD) >= 0) ::close(fd);
    }
  }
  int fd() const { return fds[0]; }
  bool is_open() const { return ::fcntl(fds[0], F_GETFD) >= 0; }
};

}  // namespace

TEST_CASE("relay sessions: a poll lists a session once; only its instance's agent connects, once, and the waiter "
          "gets its socket",
          "[svc][joined][relay]") {
  FakeClock clock;
  svc::RelaySessions sessions(clock, 4, k_deadline);
  const auto id = sessions.open("i1", exec_ask("t1-main"));
  REQUIRE(id.has_value());
  Socket socket;
  CHECK_FALSE(sessions.connect("i1", *id, socket.fd()));  // not listed yet: no agent was asked
  CHECK(sessions.take_for("i2").empty());
  const auto listed = sessions.take_for("i1");
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].first == *id);
  CHECK(listed[0].second.runtime_id == "t1-main");
  CHECK(listed[0].second.session.tty);
  CHECK(sessions.take_for("i1").empty());  // listed once
  CHECK_FALSE(sessions.connect("i2", *id, socket.fd()));  // another instance's agent
  CHECK_FALSE(sessions.connect("i1", "nosuchsession", socket.fd()));
  std::optional<int> taken;
  std::thread user([&] { taken = sessions.await_agent(*id); });
  CHECK(sessions.connect("i1", *id, socket.fd()));
  user.join();
  CHECK(taken == std::optional<int>(socket.fd()));
  Socket second;
  CHECK_FALSE(sessions.connect("i1", *id, second.fd()));  // connected already
  CHECK(sessions.open_count() == 1);  // spliced: it holds its place until the splice ends
  sessions.finish(*id);
  CHECK(sessions.open_count() == 0);
  CHECK(socket.is_open());  // the waiter owns it
}

TEST_CASE("relay sessions: at most max_sessions are open, waiting or spliced", "[svc][joined][relay]") {
  FakeClock clock;
  svc::RelaySessions sessions(clock, 2, k_deadline);
  const auto a = sessions.open("i1", exec_ask("a"));
  const auto b = sessions.open("i2", exec_ask("b"));
  REQUIRE(a.has_value());
  REQUIRE(b.has_value());
  CHECK_FALSE(sessions.open("i1", exec_ask("c")).has_value());
  sessions.finish(*a);
  CHECK(sessions.open("i1", exec_ask("c")).has_value());
}

TEST_CASE("relay sessions: an agent that does not connect by the deadline ends the wait and is refused after it",
          "[svc][joined][relay]") {
  FakeClock clock;
  svc::RelaySessions sessions(clock, 4, k_deadline);
  const auto id = sessions.open("i1", exec_ask("t1-main"));
  REQUIRE(sessions.take_for("i1").size() == 1);
  std::optional<int> taken = 42;
  std::thread user([&] { taken = sessions.await_agent(*id); });
  clock.advance_ms(std::chrono::milliseconds(k_deadline).count());
  sessions.recheck_now();
  user.join();
  CHECK_FALSE(taken.has_value());
  CHECK(sessions.open_count() == 0);  // its place is free
  Socket late;
  CHECK_FALSE(sessions.connect("i1", *id, late.fd()));  // the caller keeps and closes it
  CHECK(late.is_open());

  // Past its deadline, a session nobody waits for yet is neither listed nor connected.
  const auto stale = sessions.open("i1", exec_ask("t1-main"));
  clock.advance_ms(std::chrono::milliseconds(k_deadline).count());
  CHECK(sessions.take_for("i1").empty());
  CHECK_FALSE(sessions.await_agent(*stale).has_value());
}

TEST_CASE("relay sessions: a connection just before the deadline is taken; close ends waits and frees sockets",
          "[svc][joined][relay]") {
  FakeClock clock;
  svc::RelaySessions sessions(clock, 4, k_deadline);
  const auto id = sessions.open("i1", exec_ask("t1-main"));
  REQUIRE(sessions.take_for("i1").size() == 1);
  clock.advance_ms(std::chrono::milliseconds(k_deadline).count() - 1);
  Socket socket;
  REQUIRE(sessions.connect("i1", *id, socket.fd()));
  clock.advance_ms(1);  // the deadline passes before the waiter looks: the socket came in time
  CHECK(sessions.await_agent(*id) == std::optional<int>(socket.fd()));
  sessions.finish(*id);

  // A socket handed over but not taken when the server stops is closed; waits end; no new session.
  const auto waiting = sessions.open("i1", exec_ask("x"));
  const auto unclaimed = sessions.open("i1", exec_ask("y"));
  REQUIRE(sessions.take_for("i1").size() == 2);
  Socket held;
  REQUIRE(sessions.connect("i1", *unclaimed, held.fd()));
  std::optional<int> taken = 42;
  std::thread user([&] { taken = sessions.await_agent(*waiting); });
  sessions.close();
  user.join();
  CHECK_FALSE(taken.has_value());
  CHECK_FALSE(held.is_open());
  CHECK_FALSE(sessions.open("i1", exec_ask("z")).has_value());
}

TEST_CASE("relay sessions: expects says what connect would take; an expired session nobody waits for is closed by "
          "the next open",
          "[svc][joined][relay]") {
  FakeClock clock;
  svc::RelaySessions sessions(clock, 1, k_deadline);
  const auto id = sessions.open("i1", exec_ask("t1-main"));
  REQUIRE(id.has_value());
  CHECK_FALSE(sessions.expects("i1", *id));  // not listed yet
  REQUIRE(sessions.take_for("i1").size() == 1);
  CHECK(sessions.expects("i1", *id));
  CHECK_FALSE(sessions.expects("i2", *id));
  CHECK_FALSE(sessions.open("i1", exec_ask("other")).has_value());  // the bound: one
  // The user's connection never came (its 101 could not be written): past the deadline its place
  // is taken back by the next open.
  clock.advance_ms(std::chrono::milliseconds(k_deadline).count());
  CHECK_FALSE(sessions.expects("i1", *id));
  CHECK(sessions.open("i1", exec_ask("other")).has_value());
  CHECK(sessions.open_count() == 1);
}

}  // namespace relay_sessions_test
