#include "guard/subscription_table.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "guard/guard_limits.hpp"

namespace allo::guard {

using nlohmann::json;

Result<std::string> SubscriptionTable::add(std::string_view pattern, std::string_view subscriber) {
  auto count = count_by_subscriber_.find(subscriber);
  if (count != count_by_subscriber_.end() &&
      count->second >= limits::kMaxSubscriptionsPerSubscriber) {
    return proto::fail("too_many_subscriptions",
                       fmt::format("{} already holds {} subscriptions", subscriber,
                                   limits::kMaxSubscriptionsPerSubscriber));
  }
  auto compiled = Pattern::compile(pattern);
  if (!compiled) return std::unexpected(compiled.error());
  uint64_t sequence = next_sequence_++;
  std::string id = fmt::format("sub-{}", sequence);
  auto [it, inserted] = subscriptions_.emplace(
      id, Subscription{sequence, std::string(subscriber), std::move(*compiled)});
  bucket_of(it->second).push_back(&it->second);
  ++count_by_subscriber_[std::string(subscriber)];
  return id;
}

std::vector<const SubscriptionTable::Subscription*>& SubscriptionTable::bucket_of(
    const Subscription& s) {
  const std::string* first = s.pattern.first_literal();
  return first ? by_first_literal_[*first] : without_first_literal_;
}

void SubscriptionTable::unindex(const Subscription& s) {
  auto& bucket = bucket_of(s);
  std::erase(bucket, &s);
  if (const std::string* first = s.pattern.first_literal(); first && bucket.empty()) {
    by_first_literal_.erase(*first);
  }
  auto count = count_by_subscriber_.find(s.subscriber);
  if (count != count_by_subscriber_.end() && --count->second == 0) {
    count_by_subscriber_.erase(count);
  }
}

bool SubscriptionTable::remove(std::string_view subscription_id) {
  auto it = subscriptions_.find(subscription_id);
  if (it == subscriptions_.end()) return false;
  unindex(it->second);
  subscriptions_.erase(it);
  return true;
}

size_t SubscriptionTable::remove_subscriber(std::string_view subscriber) {
  size_t removed = 0;
  for (auto it = subscriptions_.begin(); it != subscriptions_.end();) {
    if (it->second.subscriber == subscriber) {
      unindex(it->second);
      it = subscriptions_.erase(it);
      ++removed;
    } else {
      ++it;
    }
  }
  return removed;
}

std::vector<std::string> SubscriptionTable::match(const json& body,
                                                  const GuardContext* context) const {
  std::vector<const Subscription*> matched;
  auto consider = [&](const std::vector<const Subscription*>& candidates) {
    for (const Subscription* s : candidates) {
      if (s->pattern.matches(body, context)) matched.push_back(s);
    }
  };
  if (body.is_array() && !body.empty() && body[0].is_string()) {
    auto bucket = by_first_literal_.find(body[0].get_ref<const std::string&>());
    if (bucket != by_first_literal_.end()) consider(bucket->second);
  }
  consider(without_first_literal_);

  // Each subscriber once, at its earliest matching subscription: O(k log k).
  auto by_subscriber = [](const Subscription* a, const Subscription* b) {
    return a->subscriber != b->subscriber ? a->subscriber < b->subscriber
                                          : a->sequence < b->sequence;
  };
  std::sort(matched.begin(), matched.end(), by_subscriber);
  auto same_subscriber = [](const Subscription* a, const Subscription* b) {
    return a->subscriber == b->subscriber;
  };
  matched.erase(std::unique(matched.begin(), matched.end(), same_subscriber), matched.end());
  std::sort(matched.begin(), matched.end(),
            [](const Subscription* a, const Subscription* b) { return a->sequence < b->sequence; });
  std::vector<std::string> subscribers;
  subscribers.reserve(matched.size());
  for (const Subscription* s : matched) subscribers.push_back(s->subscriber);
  return subscribers;
}

const std::string* SubscriptionTable::subscriber_of(std::string_view subscription_id) const {
  auto it = subscriptions_.find(subscription_id);
  return it == subscriptions_.end() ? nullptr : &it->second.subscriber;
}

}  // namespace allo::guard
