#include "cli/scheduler_leadership.hpp"

#include <catch2/catch.hpp>
#include <deque>
#include <string>
#include <vector>

using namespace berth;
using namespace berth::cli;
using Step = SchedulerLeadership::Step;

TEST_CASE("scheduler leadership: start on gaining the lead, stop on losing it or on no answer", "[cli][peers]") {
  const Result<bool> leads = true;
  const Result<bool> follows = false;
  const Result<bool> silent = std::unexpected(Error{Code::server, "node does not answer"});
  CHECK(SchedulerLeadership::decide(false, leads) == Step::start);
  CHECK(SchedulerLeadership::decide(true, leads) == Step::none);
  CHECK(SchedulerLeadership::decide(true, follows) == Step::stop);
  CHECK(SchedulerLeadership::decide(false, follows) == Step::none);
  // A server that cannot confirm it leads acts as if it had lost the lead.
  CHECK(SchedulerLeadership::decide(true, silent) == Step::stop);
  CHECK(SchedulerLeadership::decide(false, silent) == Step::none);
}

TEST_CASE("scheduler leadership: each check acts on the node's answer; stop() stops running schedulers",
          "[cli][peers]") {
  std::deque<Result<bool>> answers{true, true, false, false, std::unexpected(Error{Code::server, "down"}), true, true};
  std::vector<std::string> calls;
  SchedulerLeadership leadership({.leads =
                                      [&]() -> Result<bool> {
                                        auto answer = answers.front();
                                        answers.pop_front();
                                        return answer;
                                      },
                                  .start = [&] { calls.push_back("start"); },
                                  .stop = [&] { calls.push_back("stop"); }},
                                 std::chrono::hours(1));
  std::vector<bool> running;
  for (int i = 0; i < 5; ++i) {
    leadership.check();
    running.push_back(leadership.running());
  }
  CHECK(running == std::vector<bool>{true, true, false, false, false});
  CHECK(calls == std::vector<std::string>{"start", "stop"});
  leadership.check();  // the lead again
  CHECK(leadership.running());
  leadership.stop();
  CHECK_FALSE(leadership.running());
  leadership.stop();  // idempotent: stopped once
  CHECK(calls == std::vector<std::string>{"start", "stop", "start", "stop"});
}
