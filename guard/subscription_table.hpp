// Publication routing: which subscribers receive a published body.
//
// Subscriptions are indexed by their pattern's first literal (the usual
// ["new_tweet", ...] shape), so match() evaluates only the subscriptions
// whose first literal equals the body's first element plus the few without
// one. Pure: no sockets; the place decides what a match delivers.
//
// Errors from add(): the Pattern::compile() codes, and
// "too_many_subscriptions" past limits::kMaxSubscriptionsPerSubscriber.
// Thread-safety: none; one owner (the place's loop) calls it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "guard/pattern.hpp"

namespace allo::guard {

class SubscriptionTable {
 public:
  // Compiles `pattern` and subscribes `subscriber` (an agent id) with it.
  // Returns the new subscription's id ("sub-<n>", never reused).
  Result<std::string> add(std::string_view pattern, std::string_view subscriber);

  // Removes one subscription; false if there is none with this id.
  bool remove(std::string_view subscription_id);
  // Removes every subscription of `subscriber` (when it leaves); returns how many.
  size_t remove_subscriber(std::string_view subscriber);

  // The subscribers with at least one subscription matching `body`, each
  // once, in the order of their first matching subscription's creation.
  // `context` describes the publisher and may be null.
  std::vector<std::string> match(const nlohmann::json& body, const GuardContext* context) const;

  // The subscriber owning a subscription, or nullptr.
  const std::string* subscriber_of(std::string_view subscription_id) const;
  size_t size() const { return subscriptions_.size(); }

 private:
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  template <class V>
  using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

  struct Subscription {
    uint64_t sequence;
    std::string subscriber;
    Pattern pattern;
  };

  // The bucket a subscription lives in: its first literal, or the wildcard.
  std::vector<const Subscription*>& bucket_of(const Subscription& s);
  void unindex(const Subscription& s);

  uint64_t next_sequence_ = 1;
  StringMap<Subscription> subscriptions_;  // by id; node-based, so pointers stay valid
  StringMap<std::vector<const Subscription*>> by_first_literal_;
  std::vector<const Subscription*> without_first_literal_;
  StringMap<size_t> count_by_subscriber_;
};

}  // namespace allo::guard
