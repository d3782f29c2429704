// The SDK and the `allo` CLI against the real place daemon (build/bin/alloplace),
// started on a free loopback port. Skipped when alloplace was not built.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "allo/client.hpp"
#include "common/mono_clock.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/net.hpp"

namespace allo::client::testing {
namespace {
using allo::testing::ChildProcess;

const std::string kAllo = std::string(ALLO_BIN_DIR) + "/allo";
const std::string kPlace = std::string(ALLO_BIN_DIR) + "/alloplace";

class RealPlace : public ::testing::Test {
 protected:
  void SetUp() override {
    if (access(kPlace.c_str(), X_OK) != 0) GTEST_SKIP() << kPlace << " not built";
    int port = allo::testing::free_udp_port();
    url_ = "alloplace://127.0.0.1:" + std::to_string(port);
    place_ = std::make_unique<ChildProcess>(std::vector<std::string>{
        kPlace, "--listen", "127.0.0.1:" + std::to_string(port), "--metrics", "off", "--name",
        "CliTestPlace", "--log-level", "warn"});
  }
  void TearDown() override {
    if (place_) {
      place_->kill_now(SIGTERM);
      if (!place_->wait(5)) place_->kill_now(SIGKILL);
    }
  }
  // An announced SDK client; retries the connection while the daemon starts.
  std::unique_ptr<Client> agent(ClientOptions options = {}) {
    auto c = std::make_unique<Client>(options);
    const double deadline = mono_seconds() + 10;
    while (!c->connect(url_, 0.5)) {
      if (mono_seconds() > deadline) return nullptr;
    }
    bool done = false;
    c->announce({{"display_name", "test"}}, json::object(),
                [&](const AnnounceResult&) { done = true; });
    if (!c->run_until([&] { return done; }, 5) || !c->announced()) return nullptr;
    return c;
  }
  std::string url_;
  std::unique_ptr<ChildProcess> place_;
};

TEST_F(RealPlace, AnnounceStateMergesAndClock) {
  auto c = agent();
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->place_name(), "CliTestPlace");
  const std::string me = c->avatar_id();
  ASSERT_TRUE(c->run_until([&] { return c->state().document()["entities"].contains(me); }, 5));
  // Our acks let the place send merges after the first set.
  ASSERT_TRUE(c->run_until([&] { return c->stats().merges_applied >= 5; }, 5));
  EXPECT_GE(c->stats().sets_applied, 1u);
  EXPECT_FALSE(c->state().needs_full_state());
  ASSERT_TRUE(c->run_until([&] { return c->clock().has_estimate(); }, 5));
  EXPECT_LT(*c->clock().round_trip(), 0.5);
}

TEST_F(RealPlace, LossyClientStillConverges) {
  auto writer = agent();
  ClientOptions lossy;
  lossy.state_drop_fraction = 0.3;
  lossy.state_drop_seed = 7;
  auto reader = agent(lossy);
  ASSERT_NE(writer, nullptr);
  ASSERT_NE(reader, nullptr);
  json reply;
  ASSERT_TRUE(writer->spawn_entity({{"color", {{"rgba", {0, 1, 0, 1}}}}},
                                   [&](const json& b) { reply = b; }));
  ASSERT_TRUE(writer->run_until([&] { return !reply.is_null(); }, 5));
  ASSERT_EQ(reply[0], "spawn_entity") << reply.dump();
  const std::string id = reply[1];
  auto has = [&] { return reader->state().document()["entities"].contains(id); };
  ASSERT_TRUE(reader->run_until(has, 10));
  // With the seeded RNG, 30 packets at 30% loss always lose some.
  ASSERT_TRUE(reader->run_until([&] { return reader->stats().state_packets_received >= 30; }, 10));
  EXPECT_GT(reader->stats().state_packets_dropped, 0u);
  EXPECT_LT(reader->stats().state_packets_dropped, reader->stats().state_packets_received);
  // Writer removes it; the lossy reader still sees it go.
  reply = nullptr;
  ASSERT_TRUE(writer->remove_entity(id, "cascade", [&](const json& b) { reply = b; }));
  ASSERT_TRUE(writer->run_until([&] { return !reply.is_null(); }, 5));
  ASSERT_TRUE(reader->run_until([&] { return !has(); }, 10));
}

TEST_F(RealPlace, CliScriptAndRequest) {
  auto observer = agent();  // also proves the daemon is up before the CLI runs
  ASSERT_NE(observer, nullptr);
  ChildProcess script({kAllo, "script", url_});
  auto next = [&]() -> json {
    auto line = script.read_line(10);
    return line ? json::parse(*line) : json();
  };
  EXPECT_EQ(next()["place_name"], "CliTestPlace");
  script.write_stdin("spawn {\"color\":{\"rgba\":[1,0,0,1]}}\n");
  json spawned = next();
  ASSERT_EQ(spawned["ok"], true) << spawned.dump();
  const std::string id = spawned["id"];
  script.write_stdin("wait-entity " + id + " 5\n");
  EXPECT_EQ(next()["entity"]["components"]["color"]["rgba"][0], 1);
  script.write_stdin("change " + id + " {\"color\":{\"rgba\":[0,0,1,1]}}\n");
  EXPECT_EQ(next()["ok"], true);
  auto blue = [&] {
    const json& ents = observer->state().document()["entities"];
    return ents.contains(id) && ents[id]["components"]["color"]["rgba"][2] == 1;
  };
  ASSERT_TRUE(observer->run_until(blue, 5));

  ChildProcess request({kAllo, "request", url_, "place", "[\"no_such_command\"]"});
  json error = json::parse(request.read_all(10));
  EXPECT_EQ(error[0], "error");
  EXPECT_EQ(request.wait(10), 1);

  // Quitting the script disconnects its agent: the place removes its entity.
  script.write_stdin("quit\n");
  EXPECT_EQ(next()["cmd"], "quit");
  EXPECT_EQ(script.wait(10), 0);
  ASSERT_TRUE(observer->run_until(
      [&] { return !observer->state().document()["entities"].contains(id); }, 5));
}

}  // namespace
}  // namespace allo::client::testing
