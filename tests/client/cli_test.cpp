// The `allo` CLI run as a child process against FakePlace: exit codes,
// request output and the script protocol.
#include <gtest/gtest.h>

#include <string>

#include "fake_place.hpp"
#include "proto/interaction.hpp"
#include "proto/limits.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/net.hpp"

namespace allo::client::testing {
namespace {
using allo::testing::ChildProcess;

const std::string kAllo = std::string(ALLO_BIN_DIR) + "/allo";

// Answers announce, spawn_entity (id "e42"), ["ping"] -> ["pong"], anything else
// with an error; sends a state containing e42 once the spawn was answered.
FakePlace::Handler scripted_place() {
  return [](FakePlace& place, const FakePlace::Received& r) {
    if (r.channel != limits::kChannelCommands) return;
    auto in = proto::parse_interaction(r.doc);
    if (!in || in->type != proto::InteractionType::kRequest) return;
    json body;
    if (in->name() == "announce") {
      body = json::array({"announce", "av1", "Fake"});
    } else if (in->name() == "spawn_entity") {
      body = json::array({"spawn_entity", "e42"});
      json ent = {{"id", "e42"}, {"components", in->body[1]}};
      place.send(0, {{"patch_style", "set"}, {"revision", 3}, {"entities", {{"e42", ent}}}}, false);
    } else if (in->name() == "ping") {
      body = json::array({"pong", in->from});
    } else {
      body = proto::error_body("unknown_interaction", in->name());
    }
    place.send(1, proto::to_json(proto::make_response(*in, body)), true);
  };
}

TEST(Cli, HelpAndUsageErrors) {
  ChildProcess help({kAllo, "--help"});
  std::string text = help.read_all(10);
  EXPECT_EQ(help.wait(10), 0);
  EXPECT_NE(text.find("allo script"), std::string::npos);
  EXPECT_NE(text.find("wait-entity"), std::string::npos);

  ChildProcess bad({kAllo, "frobnicate", "alloplace://127.0.0.1"});
  EXPECT_EQ(bad.wait(10), 2);
  ChildProcess missing({kAllo, "request", "alloplace://127.0.0.1", "place"});
  EXPECT_EQ(missing.wait(10), 2);
}

TEST(Cli, UnreachablePlaceFails) {
  ChildProcess p(
      {kAllo, "request", "alloplace://127.0.0.1:9", "place", "[\"ping\"]", "--timeout", "0.3"});
  EXPECT_EQ(p.read_all(10), "");
  EXPECT_EQ(p.wait(10), 1);
}

TEST(Cli, RequestPrintsReplyBody) {
  FakePlace place(scripted_place());
  ChildProcess ok({kAllo, "request", place.url(), "place", "[\"ping\"]"});
  EXPECT_EQ(ok.read_all(10), "[\"pong\",\"av1\"]\n");
  EXPECT_EQ(ok.wait(10), 0);

  ChildProcess err({kAllo, "request", place.url(), "place", "[\"nope\"]"});
  EXPECT_EQ(json::parse(err.read_all(10)),
            json::parse(R"(["error","unknown_interaction","nope"])"));
  EXPECT_EQ(err.wait(10), 1);
}

TEST(Cli, SpawnPrintsId) {
  FakePlace place(scripted_place());
  ChildProcess p({kAllo, "spawn", place.url(), R"({"transform":{}})"});
  EXPECT_EQ(p.read_all(10), "e42\n");
  EXPECT_EQ(p.wait(10), 0);
}

TEST(Cli, ScriptDrivesOneAgent) {
  FakePlace place(scripted_place());
  ChildProcess p({kAllo, "script", place.url()});
  auto next = [&]() -> json {
    auto line = p.read_line(10);
    return line ? json::parse(*line) : json();
  };
  json hello = next();
  EXPECT_EQ(hello["event"], "announced");
  EXPECT_EQ(hello["avatar_id"], "av1");
  EXPECT_EQ(hello["place_name"], "Fake");

  p.write_stdin("# comment, then a blank line\n\nspawn {\"color\":{\"rgba\":[1,0,0,1]}}\n");
  json spawned = next();
  EXPECT_EQ(spawned["cmd"], "spawn");
  EXPECT_EQ(spawned["ok"], true);
  EXPECT_EQ(spawned["id"], "e42");

  p.write_stdin("wait-entity e42 5\n");
  json waited = next();
  EXPECT_EQ(waited["ok"], true);
  EXPECT_EQ(waited["entity"]["components"]["color"]["rgba"][0], 1);

  p.write_stdin("request place [\"nope\"]\nwait-entity e9 0.1\nstate\nfrobnicate\n");
  json req = next();
  EXPECT_EQ(req["ok"], false);
  EXPECT_EQ(req["reply"][1], "unknown_interaction");
  EXPECT_EQ(next()["error"], "timeout");
  EXPECT_EQ(next()["state"]["revision"], 3);
  EXPECT_EQ(next()["error"], "unknown_command");

  p.write_stdin("hold 0.05\nquit\n");
  EXPECT_EQ(next()["cmd"], "hold");
  EXPECT_EQ(next()["cmd"], "quit");
  EXPECT_EQ(p.wait(10), 0);
}

TEST(Cli, ScriptEndsAtEndOfInput) {
  FakePlace place(scripted_place());
  ChildProcess p({kAllo, "script", place.url()});
  ASSERT_TRUE(p.read_line(10).has_value());
  p.write_stdin("request place [\"ping\"]");  // no newline: still run at EOF
  p.close_stdin();
  json reply = json::parse(p.read_line(10).value_or("null"));
  EXPECT_EQ(reply["reply"], json::parse(R"(["pong","av1"])"));
  EXPECT_EQ(p.wait(10), 0);
}

}  // namespace
}  // namespace allo::client::testing
