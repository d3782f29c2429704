// End to end: pub/sub and the interaction ACL on the real alloplace, with SDK
// clients (subscribers, owner, other agents) and a raw ENet app publishing.
// Two daemon starts share one --acl-file to show the rules survive a restart.
#include <gtest/gtest.h>
#include <unistd.h>
#include "tests/guard/docs_patterns.hpp"

#include <filesystem>
#include <fstream>

#include "place_process.hpp"
#include "proto/json_frame.hpp"
#include "proto/limits.hpp"
#include "tests/support/enet_peer.hpp"

namespace allo::testing {
namespace {
using allo::testing::kDocsHarryRule;
using allo::testing::kDocsNewTweet;
using allo::testing::kRealHarryRule;

using nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kOwnerKey = "e2e-owner-key-0123456789";

// A raw app: announces over ENet, then publishes.
class RawApp {
 public:
  explicit RawApp(const PlaceProcess& place) {
    EXPECT_TRUE(peer.connect("127.0.0.1", place.port, 5.0));
    peer.send(limits::kChannelCommands, proto::encode_json({"interaction",
                                                            "request",
                                                            "",
                                                            "place",
                                                            "a1",
                                                            {"announce",
                                                             "version",
                                                             2,
                                                             "identity",
                                                             {{"display_name", "tweeter"}},
                                                             "spawn_avatar",
                                                             json::object()}}));
    std::string reply = peer.next(limits::kChannelCommands, 5.0);
    auto doc = proto::decode_json(reply, 1 << 20, 32);
    EXPECT_TRUE(doc && (*doc)[5][0] == "announce") << reply;
    if (doc) avatar = (*doc)[5][1];
  }
  void publish(const json& body) {
    peer.send(limits::kChannelCommands,
              proto::encode_json({"interaction", "publication", avatar, "", "", body}));
    peer.poll(0);
  }
  EnetPeer peer;
  std::string avatar;
};

class AclE2E : public ::testing::Test {
 public:
  AclE2E() {
    dir = fs::temp_directory_path() / ("acl_e2e_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    acl_file = (dir / "acl.json").string();
  }
  ~AclE2E() override { fs::remove_all(dir); }
  std::vector<std::string> args() const {
    return {"--acl-file", acl_file, "--owner-key", kOwnerKey};
  }
  fs::path dir;
  std::string acl_file;
};

TEST_F(AclE2E, SubscribePublishUnsubscribeAcrossAgents) {
  PlaceProcess place(args());
  auto annie = join(place, "annie");
  auto bert = join(place, "bert");
  std::vector<json> got_annie, got_bert;
  annie->on_interaction([&](const proto::Interaction& i) {
    if (i.type == proto::InteractionType::kPublication) got_annie.push_back(i.body);
  });
  bert->on_interaction([&](const proto::Interaction& i) {
    if (i.type == proto::InteractionType::kPublication) got_bert.push_back(i.body);
  });
  RawApp app(place);
  std::vector<client::Client*> all = {annie.get(), bert.get()};

  json sa = call(*annie, {bert.get()}, "place", {"subscribe", kDocsNewTweet});
  ASSERT_EQ(sa[0], "subscribe") << sa.dump();
  json sb = call(*bert, {annie.get()}, "place", {"subscribe", R"(["new_tweet", _, _])"});
  ASSERT_EQ(sb[0], "subscribe") << sb.dump();
  json bad = call(*bert, {annie.get()}, "place", {"subscribe", R"(["new_tweet", _)"});
  EXPECT_EQ(bad[0], "error");
  EXPECT_EQ(bad[1], "pattern_syntax");

  app.publish({"new_tweet", "nevyn", "hello"});
  app.publish({"new_tweet", "someone", "hi"});
  app.publish({"old_tweet", "nevyn", "dropped"});
  ASSERT_TRUE(wait_until([&] { return got_annie.size() >= 1 && got_bert.size() >= 2; }, 5.0,
                         [&] {
                           poll_all(all);
                           app.peer.poll(0);
                         }));
  EXPECT_EQ(got_annie, std::vector<json>({{"new_tweet", "nevyn", "hello"}}));
  EXPECT_EQ(got_bert[1], json({"new_tweet", "someone", "hi"}));
  ASSERT_TRUE(wait_until(
      [&] {
        return place.metric("alloplace_publications_total", "result=\"no_subscribers\"") == 1;
      },
      5.0, [&] { poll_all(all); }));
  EXPECT_EQ(place.metric("alloplace_publications_total", "result=\"delivered\""), 2);
  EXPECT_EQ(place.metric("alloplace_subscriptions"), 2);

  EXPECT_EQ(call(*annie, {bert.get()}, "place", {"unsubscribe", sa[1]}),
            json::array({"unsubscribe", "ok"}));
  EXPECT_EQ(call(*annie, {bert.get()}, "place", {"unsubscribe", sb[1]}),
            json::array({"unsubscribe", "not_subscribed"}));
  app.publish({"new_tweet", "nevyn", "again"});
  ASSERT_TRUE(wait_until([&] { return got_bert.size() >= 3; }, 5.0,
                         [&] {
                           poll_all(all);
                           app.peer.poll(0);
                         }));
  EXPECT_EQ(got_annie.size(), 1u);
  // Bert leaves: his subscription goes with him.
  bert->disconnect();
  ASSERT_TRUE(wait_until([&] { return place.metric("alloplace_subscriptions") == 0; }, 5.0,
                         [&] { annie->poll(5); }));
}

TEST_F(AclE2E, OwnerChangesRulesHarryIsRefusedAndRulesSurviveRestart) {
  {
    PlaceProcess place(args());
    auto owner = join(place, "olga", {}, {{"owner_key", kOwnerKey}});
    auto bert = join(place, "bert");
    std::vector<client::Client*> both = {owner.get(), bert.get()};

    json listed = call(*owner, {bert.get()}, "place", {"acl_list"});
    ASSERT_EQ(listed[0], "acl_list") << listed.dump();
    EXPECT_EQ(listed[1].size(), 4u);
    // Others may not read or change the rules.
    EXPECT_EQ(call(*bert, {owner.get()}, "place", {"acl_list"})[0], "interaction_denied");
    json denied = call(*bert, {owner.get()}, "place", {"acl_add", 0, "allow", "_"});
    EXPECT_EQ(denied[0], "interaction_denied");
    EXPECT_EQ(denied[1][5], json({"acl_add", 0, "allow", "_"}));

    // The docs' literal rule is accepted; the real-shape rule refuses harry.
    EXPECT_EQ(call(*owner, {bert.get()}, "place", {"acl_add", 0, "deny", kDocsHarryRule}),
              json::array({"acl_add", "ok"}));
    EXPECT_EQ(call(*owner, {bert.get()}, "place", {"acl_add", 0, "deny", kRealHarryRule}),
              json::array({"acl_add", "ok"}));
    // Hostile rules are refused with the limit named.
    std::string deep = std::string(100, '[') + std::string(100, ']');
    EXPECT_EQ(call(*owner, {bert.get()}, "place", {"acl_add", 0, "deny", deep})[1],
              "pattern_too_deep");
    std::string wide = "[";
    for (int i = 0; i < 1500; ++i) wide += "_,";
    wide += "_]";
    EXPECT_EQ(call(*owner, {bert.get()}, "place", {"acl_add", 0, "deny", wide})[1],
              "pattern_too_large");
    EXPECT_EQ(place.metric("alloplace_acl_decisions_total", "result=\"deny\""), 2);
  }
  // Restarted with the same file: the rules are back.
  PlaceProcess place(args());
  auto owner = join(place, "olga", {}, {{"owner_key", kOwnerKey}});
  json listed = call(*owner, {}, "place", {"acl_list"});
  ASSERT_EQ(listed[1].size(), 6u) << listed.dump();
  EXPECT_EQ(listed[1][0], json({"deny", kRealHarryRule}));
  EXPECT_EQ(listed[1][1], json({"deny", kDocsHarryRule}));

  client::Client harry;
  ASSERT_TRUE(harry.connect(place.url(), 5.0));
  json refused = call(harry, {owner.get()}, "place",
                      {"announce",
                       "version",
                       2,
                       "identity",
                       {{"display_name", "harry"}},
                       "spawn_avatar",
                       json::object()});
  ASSERT_EQ(refused[0], "interaction_denied") << refused.dump();
  EXPECT_EQ(refused[1][5][4], json({{"display_name", "harry"}}));
  EXPECT_EQ(refused[2], kRealHarryRule);
  EXPECT_FALSE(harry.announced());
  auto annie = join(place, "annie");
  EXPECT_TRUE(annie->announced());
  EXPECT_EQ(place.metric("alloplace_acl_decisions_total", "result=\"deny\",rule=\"0\""), 1);
}

TEST_F(AclE2E, CorruptAclFileStopsTheStart) {
  std::ofstream(acl_file) << "{\"rules\": [[\"deny\", \"[\"]]}";
  ChildProcess place({std::string(ALLO_BIN_DIR) + "/alloplace", "--listen",
                      "127.0.0.1:" + std::to_string(free_udp_port()), "--metrics", "off",
                      "--acl-file", acl_file});
  auto status = place.wait(5.0);
  ASSERT_TRUE(status.has_value());
  EXPECT_NE(*status, 0);
}

}  // namespace
}  // namespace allo::testing
