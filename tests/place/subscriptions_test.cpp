// Pub/sub through the place: subscribe / publish / unsubscribe across agents,
// the docs' new_tweet pattern, errors, and subscriptions dying with their agent.
#include "place/place_subscriptions.hpp"
#include "tests/guard/docs_patterns.hpp"

#include "place_fixture.hpp"

namespace allo::place::testing {
namespace {
using allo::testing::kDocsHarryRule;
using allo::testing::kDocsNewTweet;
using allo::testing::kRealHarryRule;

class Subscriptions : public PlaceFixture {
 public:
  Subscriptions() : subs(place, registry) {}

  // Subscribes and returns the subscription id (or the error reply body).
  json subscribe(AgentId id, const std::string& from, const std::string& pattern) {
    send(id, request(id, from, "place", "sub", {"subscribe", pattern}));
    return body(id);
  }
  void publish(AgentId id, const std::string& from, const json& body) {
    send(id, json::array({"interaction", "publication", from, "", "", body}));
  }
  // Publications received by `id` on channel 1.
  std::vector<json> publications(AgentId id) {
    std::vector<json> got;
    for (const auto& p : out.to(id, limits::kChannelCommands)) {
      json doc = p.json();
      if (doc[1] == "publication") got.push_back(doc);
    }
    return got;
  }
  double metric(const std::string& name, const std::string& labels = "") {
    std::string text;
    for (const auto& family : registry.Collect()) {
      for (const auto& m : family.metric) {
        if (family.name != name) continue;
        bool ok = labels.empty();
        for (const auto& l : m.label) ok = ok || (l.name + "=\"" + l.value + "\"") == labels;
        if (!ok) continue;
        return family.type == prometheus::MetricType::Counter ? m.counter.value : m.gauge.value;
      }
    }
    return 0;
  }

  PlaceSubscriptions subs;
};

TEST_F(Subscriptions, DocsNewTweetPatternRoutesToMatchingSubscribersOnly) {
  std::string a = join(1, "annie"), b = join(2, "bert"), c = join(3, "cid");
  json sa = subscribe(1, a, kDocsNewTweet);
  ASSERT_EQ(sa[0], "subscribe") << sa.dump();
  ASSERT_TRUE(sa[1].is_string());
  json sb = subscribe(2, b, R"(["new_tweet", _, _])");
  ASSERT_EQ(sb[0], "subscribe") << sb.dump();
  EXPECT_NE(sa[1], sb[1]);

  // From nevyn: both; from someone else: only b; wrong arity: nobody.
  publish(3, c, {"new_tweet", "nevyn", "hello"});
  publish(3, c, {"new_tweet", "someone", "hi"});
  publish(3, c, {"new_tweet", "nevyn"});
  auto got_a = publications(1), got_b = publications(2);
  ASSERT_EQ(got_a.size(), 1u);
  // The original interaction, unchanged.
  EXPECT_EQ(
      got_a[0],
      json::array({"interaction", "publication", c, "", "", {"new_tweet", "nevyn", "hello"}}));
  ASSERT_EQ(got_b.size(), 2u);
  EXPECT_EQ(got_b[1][5][1], "someone");
  EXPECT_TRUE(publications(3).empty());
  EXPECT_EQ(metric("alloplace_publications_total", "result=\"delivered\""), 2);
  EXPECT_EQ(metric("alloplace_publications_total", "result=\"no_subscribers\""), 1);
  EXPECT_EQ(metric("alloplace_subscriptions"), 2);
}

TEST_F(Subscriptions, SubscriberWithTwoMatchingPatternsGetsOneCopy) {
  std::string a = join(1), b = join(2);
  ASSERT_EQ(subscribe(1, a, R"(["chat", _])")[0], "subscribe");
  ASSERT_EQ(subscribe(1, a, R"([_, Text] where is_string(Text))")[0], "subscribe");
  publish(2, b, {"chat", "hi"});
  EXPECT_EQ(publications(1).size(), 1u);
  EXPECT_EQ(metric("alloplace_publication_deliveries_total"), 1);
}

TEST_F(Subscriptions, GuardSeesThePublisher) {
  std::string a = join(1, "annie"), b = join(2, "bert"), c = join(3, "cid");
  ASSERT_EQ(subscribe(1, a, R"(["chat", _] where identity()["display_name"] == "bert")")[0],
            "subscribe");
  publish(2, b, {"chat", "from bert"});
  publish(3, c, {"chat", "from cid"});
  auto got = publications(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0][5][1], "from bert");
}

TEST_F(Subscriptions, UnsubscribeStopsDeliveryAndOnlyTheSubscriberMayDoIt) {
  std::string a = join(1), b = join(2);
  json id = subscribe(1, a, R"(["ping"])")[1];
  // b cannot remove a's subscription.
  send(2, request(2, b, "place", "u", {"unsubscribe", id}));
  EXPECT_EQ(body(2), json::array({"unsubscribe", "not_subscribed"}));
  publish(2, b, {"ping"});
  EXPECT_EQ(publications(1).size(), 1u);
  send(1, request(1, a, "place", "u", {"unsubscribe", id}));
  EXPECT_EQ(body(1), json::array({"unsubscribe", "ok"}));
  send(1, request(1, a, "place", "u2", {"unsubscribe", id}));
  EXPECT_EQ(body(1), json::array({"unsubscribe", "not_subscribed"}));
  publish(2, b, {"ping"});
  EXPECT_EQ(publications(1).size(), 1u);
  EXPECT_EQ(metric("alloplace_subscriptions"), 0);
}

TEST_F(Subscriptions, SubscriptionsDieWithTheirAgent) {
  std::string a = join(1), b = join(2);
  ASSERT_EQ(subscribe(1, a, R"(["ping"])")[0], "subscribe");
  ASSERT_EQ(subscribe(2, b, R"(["ping"])")[0], "subscribe");
  EXPECT_EQ(subs.size(), 2u);
  place.on_disconnect(1);
  EXPECT_EQ(subs.size(), 1u);
  publish(2, b, {"ping"});
  EXPECT_TRUE(publications(1).empty());
  EXPECT_EQ(publications(2).size(), 1u);  // a publisher may subscribe to itself
}

TEST_F(Subscriptions, BadPatternsAndBodiesGetErrorArrays) {
  std::string a = join(1);
  json e = subscribe(1, a, R"(["chat", )");
  ASSERT_EQ(e[0], "error");
  EXPECT_EQ(e[1], "pattern_syntax");
  EXPECT_TRUE(e[2].get<std::string>().starts_with("at ")) << e.dump();
  EXPECT_EQ(subscribe(1, a, std::string(5000, ' ') + "_")[1], "pattern_too_long");
  send(1, request(1, a, "place", "s", {"subscribe", 42}));
  EXPECT_EQ(body(1)[1], "invalid_request");
  send(1, request(1, a, "place", "u", json::array({"unsubscribe"})));
  EXPECT_EQ(body(1)[1], "invalid_request");
  EXPECT_EQ(subs.size(), 0u);
}

TEST_F(Subscriptions, SubscriptionsPerAgentAreLimited) {
  std::string a = join(1);
  for (int i = 0; i < 64; ++i) ASSERT_EQ(subscribe(1, a, R"(["x"])")[0], "subscribe") << i;
  EXPECT_EQ(subscribe(1, a, R"(["x"])")[1], "too_many_subscriptions");
}

TEST_F(Subscriptions, PublicationFromAnEntityNotOwnedIsRefused) {
  std::string a = join(1), b = join(2);
  ASSERT_EQ(subscribe(1, a, R"(["ping"])")[0], "subscribe");
  publish(2, a, {"ping"});  // b claims to be a's avatar
  EXPECT_TRUE(publications(1).empty());
  EXPECT_EQ(last_reply(2)[5][1], "invalid_sender");
}

}  // namespace
}  // namespace allo::place::testing
