// RequestTable: request-id plumbing, response matching and expiry.
#include "allo/request_table.hpp"

#include <gtest/gtest.h>

#include <set>

#include "allo/client.hpp"

namespace allo::client {
namespace {

TEST(RequestTable, IdsAreUniqueAndPrefixed) {
  RequestTable table("abc");
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.insert(table.next_id());
  EXPECT_EQ(ids.size(), 1000u);
  EXPECT_EQ(ids.count("abc-1"), 1u);
  EXPECT_EQ(RequestTable("").next_id(), "r-1");
}

TEST(RequestTable, PrefixesDifferBetweenClients) {
  EXPECT_NE(make_request_id_prefix(), make_request_id_prefix());
}

TEST(RequestTable, TakeMatchesOnceOnly) {
  RequestTable table("t");
  json got;
  std::string id = table.next_id();
  table.add(id, "place", 10.0, [&](const json& body) { got = body; });
  EXPECT_EQ(table.size(), 1u);
  EXPECT_FALSE(table.take("t-999").has_value());
  auto cb = table.take(id);
  ASSERT_TRUE(cb.has_value());
  (*cb)(json::array({"spawn_entity", "e1"}));
  EXPECT_EQ(got, json::array({"spawn_entity", "e1"}));
  EXPECT_FALSE(table.take(id).has_value());
  EXPECT_EQ(table.size(), 0u);
}

TEST(RequestTable, ExpiresOnlyPastDeadline) {
  RequestTable table("t");
  table.add("a", "place", 5.0, nullptr);
  table.add("b", "e2", 7.0, nullptr);
  EXPECT_TRUE(table.take_expired(4.9).empty());
  auto expired = table.take_expired(5.0);
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0].id, "a");
  EXPECT_EQ(expired[0].to, "place");
  EXPECT_EQ(table.size(), 1u);
  auto rest = table.take_all();
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].id, "b");
  EXPECT_EQ(table.size(), 0u);
}

}  // namespace
}  // namespace allo::client
