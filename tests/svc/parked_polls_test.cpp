// ParkedPolls alone: deadlines on a fake clock's times, wakes by instance and for all, the
// bound, and closing. (The answerer's reads and replies: remote_instances_test.cpp.)
#include <catch2/catch.hpp>

#include "fixtures/fixtures.hpp"
#include "svc/parked_polls.hpp"

namespace parked_polls_test {

using namespace berth;
using berth::testing::FakeClock;

namespace {

svc::ParkedPoll poll_of(const std::string& instance, EpochMs deadline) {
  return {"default", instance, "cursor", deadline, [](Result<model::PollInstanceTasksReply>) {}};
}

std::vector<std::string> instances(const std::vector<svc::ParkedPolls::Due>& due) {
  std::vector<std::string> out;
  for (const auto& d : due) out.push_back(d.poll.instance_id + (d.expired ? ":expired" : ":woken"));
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("Parked polls come due at their deadlines, nearest first", "[svc][cluster]") {
  FakeClock clock;
  svc::ParkedPolls parked(8);
  const EpochMs now = clock.now_ms();
  REQUIRE(parked.park(poll_of("a", now + 5'000), parked.changes()) == svc::ParkedPolls::Park::parked);
  REQUIRE(parked.park(poll_of("b", now + 20'000), parked.changes()) == svc::ParkedPolls::Park::parked);
  CHECK(parked.next_deadline() == now + 5'000);
  CHECK(parked.take_due(clock.now_ms()).empty());
  clock.advance_ms(5'000);
  CHECK(instances(parked.take_due(clock.now_ms())) == std::vector<std::string>{"a:expired"});
  CHECK(parked.next_deadline() == now + 20'000);
  clock.advance_ms(15'000);
  CHECK(instances(parked.take_due(clock.now_ms())) == std::vector<std::string>{"b:expired"});
  CHECK(parked.size() == 0);
  CHECK_FALSE(parked.next_deadline().has_value());
}

TEST_CASE("A change wakes the polls of its instance; a change of all wakes each once", "[svc][cluster]") {
  FakeClock clock;
  svc::ParkedPolls parked(8);
  const EpochMs deadline = clock.now_ms() + 20'000;
  REQUIRE(parked.park(poll_of("a", deadline), parked.changes()) == svc::ParkedPolls::Park::parked);
  REQUIRE(parked.park(poll_of("a", deadline), parked.changes()) == svc::ParkedPolls::Park::parked);
  REQUIRE(parked.park(poll_of("b", deadline), parked.changes()) == svc::ParkedPolls::Park::parked);
  parked.changed("c");  // nobody parked for it
  CHECK(parked.take_due(clock.now_ms()).empty());
  parked.changed("a");
  parked.changed("a");  // twice before the answerer looks: still once each
  CHECK(instances(parked.take_due(clock.now_ms())) == std::vector<std::string>{"a:woken", "a:woken"});
  CHECK(parked.size() == 1);
  parked.changed_all();
  parked.changed("b");
  CHECK(instances(parked.take_due(clock.now_ms())) == std::vector<std::string>{"b:woken"});
  CHECK(parked.size() == 0);
}

TEST_CASE("Parking stops at the bound, and after close; closing makes every poll due", "[svc][cluster]") {
  FakeClock clock;
  svc::ParkedPolls parked(2);
  const EpochMs deadline = clock.now_ms() + 20'000;
  CHECK(parked.park(poll_of("a", deadline), parked.changes()) == svc::ParkedPolls::Park::parked);
  CHECK(parked.park(poll_of("b", deadline), parked.changes()) == svc::ParkedPolls::Park::parked);
  CHECK(parked.park(poll_of("c", deadline), parked.changes()) == svc::ParkedPolls::Park::full);
  CHECK(parked.size() == 2);
  parked.changed("a");
  CHECK(parked.take_due(clock.now_ms()).size() == 1);
  CHECK(parked.park(poll_of("c", deadline), parked.changes()) == svc::ParkedPolls::Park::parked);  // a place is free again
  parked.close();
  CHECK(parked.park(poll_of("d", deadline), parked.changes()) == svc::ParkedPolls::Park::closed);
  CHECK(instances(parked.take_due(clock.now_ms())) == std::vector<std::string>{"b:expired", "c:expired"});
  // A closed set's wait returns at once.
  parked.wait_for_news(parked.parks(), std::chrono::hours(1));
}

TEST_CASE("A change announced after a poll looked at its state but before it parked wakes it", "[svc][cluster]") {
  FakeClock clock;
  svc::ParkedPolls parked(8);
  const EpochMs deadline = clock.now_ms() + 20'000;
  // The poll reads the count, then looks at its instance's state (seen unchanged); meanwhile a
  // change commits and is announced, with nothing parked yet to wake.
  const std::uint64_t seen = parked.changes();
  parked.changed("a");
  REQUIRE(parked.park(poll_of("a", deadline), seen) == svc::ParkedPolls::Park::parked);
  CHECK(instances(parked.take_due(clock.now_ms())) == std::vector<std::string>{"a:woken"});
  // Parked with the count it read after the change: it waits.
  const std::uint64_t now_seen = parked.changes();
  REQUIRE(parked.park(poll_of("a", deadline), now_seen) == svc::ParkedPolls::Park::parked);
  CHECK(parked.take_due(clock.now_ms()).empty());
  parked.changed_all();
  CHECK(parked.changes() == now_seen + 1);
  CHECK(instances(parked.take_due(clock.now_ms())) == std::vector<std::string>{"a:woken"});
}

}  // namespace parked_polls_test
