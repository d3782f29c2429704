#include "guard/subscription_table.hpp"

#include <gtest/gtest.h>

#include "guard/guard_limits.hpp"

namespace allo::guard {
namespace {

using nlohmann::json;
using Subscribers = std::vector<std::string>;

class NamedSender : public GuardContext {
 public:
  json identity = json::parse(R"({"name":"nevyn"})");
  const json* sender_identity() const override { return &identity; }
};

TEST(SubscriptionTable, DocsNewTweetSubscriptionRoutesOnlyMatchingPublications) {
  SubscriptionTable table;
  auto id = table.add(R"("""[
        "new_tweet",
        TweetSender,
        TweetBody
      ] where TweetSender == "nevyn" """)",
                      "agent-a");
  ASSERT_TRUE(id.has_value()) << id.error().detail;
  EXPECT_EQ(table.match(json::parse(R"(["new_tweet","nevyn","hi"])"), nullptr),
            Subscribers{"agent-a"});
  EXPECT_TRUE(table.match(json::parse(R"(["new_tweet","other","hi"])"), nullptr).empty());
  EXPECT_TRUE(table.match(json::parse(R"(["old_tweet","nevyn","hi"])"), nullptr).empty());
}

TEST(SubscriptionTable, IdsAreDistinctAndNeverReused) {
  SubscriptionTable table;
  auto a = table.add(R"(["x"])", "agent-a");
  auto b = table.add(R"(["x"])", "agent-a");
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b);
  EXPECT_TRUE(table.remove(*b));
  auto c = table.add(R"(["x"])", "agent-a");
  EXPECT_NE(*c, *b);
  EXPECT_EQ(*table.subscriber_of(*a), "agent-a");
  EXPECT_EQ(table.subscriber_of(*b), nullptr);
}

TEST(SubscriptionTable, EachSubscriberIsDeliveredToOnceInSubscriptionOrder) {
  SubscriptionTable table;
  ASSERT_TRUE(table.add(R"(["ping", _])", "agent-b"));
  ASSERT_TRUE(table.add(R"(["ping", N] where N == 1)", "agent-a"));
  ASSERT_TRUE(table.add(R"([_, _])", "agent-b"));  // wildcard bucket, same subscriber
  ASSERT_TRUE(table.add(R"([X, 1])", "agent-c"));  // wildcard bucket
  ASSERT_TRUE(table.add(R"(["pong", _])", "agent-d"));
  EXPECT_EQ(table.match(json::parse(R"(["ping", 1])"), nullptr),
            (Subscribers{"agent-b", "agent-a", "agent-c"}));
  EXPECT_EQ(table.match(json::parse(R"(["ping", 2])"), nullptr), (Subscribers{"agent-b"}));
  EXPECT_EQ(table.match(json::parse(R"([7, 1])"), nullptr), (Subscribers{"agent-b", "agent-c"}));
  EXPECT_TRUE(table.match(json::parse(R"({"ping": 1})"), nullptr).empty());
}

TEST(SubscriptionTable, RemoveStopsDelivery) {
  SubscriptionTable table;
  auto id = table.add(R"(["ping"])", "agent-a");
  ASSERT_TRUE(id);
  EXPECT_EQ(table.size(), 1u);
  EXPECT_TRUE(table.remove(*id));
  EXPECT_FALSE(table.remove(*id));
  EXPECT_FALSE(table.remove("sub-999"));
  EXPECT_EQ(table.size(), 0u);
  EXPECT_TRUE(table.match(json::parse(R"(["ping"])"), nullptr).empty());
}

TEST(SubscriptionTable, RemoveSubscriberDropsAllOfItsSubscriptions) {
  SubscriptionTable table;
  ASSERT_TRUE(table.add(R"(["a"])", "agent-a"));
  ASSERT_TRUE(table.add(R"([_])", "agent-a"));
  ASSERT_TRUE(table.add(R"(["a"])", "agent-b"));
  EXPECT_EQ(table.remove_subscriber("agent-a"), 2u);
  EXPECT_EQ(table.remove_subscriber("agent-a"), 0u);
  EXPECT_EQ(table.size(), 1u);
  EXPECT_EQ(table.match(json::parse(R"(["a"])"), nullptr), (Subscribers{"agent-b"}));
}

TEST(SubscriptionTable, GuardsSeeThePublishersContext) {
  SubscriptionTable table;
  ASSERT_TRUE(table.add(R"(["chat", _] where identity()["name"] == "nevyn")", "agent-a"));
  NamedSender nevyn;
  EXPECT_EQ(table.match(json::parse(R"(["chat", "hi"])"), &nevyn), (Subscribers{"agent-a"}));
  EXPECT_TRUE(table.match(json::parse(R"(["chat", "hi"])"), nullptr).empty());
}

TEST(SubscriptionTable, RefusesBadPatternsAndTooManySubscriptions) {
  SubscriptionTable table;
  auto bad = table.add("[", "agent-a");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "pattern_syntax");
  for (size_t i = 0; i < limits::kMaxSubscriptionsPerSubscriber; ++i) {
    ASSERT_TRUE(table.add(R"(["x"])", "agent-a"));
  }
  auto over = table.add(R"(["x"])", "agent-a");
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, "too_many_subscriptions");
  EXPECT_TRUE(table.add(R"(["x"])", "agent-b"));  // the limit is per subscriber
  EXPECT_EQ(table.remove_subscriber("agent-a"), limits::kMaxSubscriptionsPerSubscriber);
  EXPECT_TRUE(table.add(R"(["x"])", "agent-a"));  // and freed by removal
}

}  // namespace
}  // namespace allo::guard
