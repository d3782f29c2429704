// Pub/sub for a place: the "subscribe" and "unsubscribe" commands to "place"
// and the routing of publications (specifications-interactions.md).
//
//   ["subscribe", "<guard pattern>"]  -> ["subscribe", "<subscription id>"]
//   ["unsubscribe", "<id>"]           -> ["unsubscribe", "ok" | "not_subscribed"]
//
// A publication's body is matched against every subscription's pattern
// (docs/GUARD_LANGUAGE.md; guard functions describe the publisher) and the
// original interaction is delivered once to each agent with a matching
// subscription, on channel 1. With no match it is dropped and counted.
// Subscriptions die with their agent.
//
// Errors (as ["error", code, detail] replies): "invalid_request" (body shape),
// the Pattern::compile() codes ("pattern_syntax" with "at N: ..."), and
// "too_many_subscriptions".
// Metrics: alloplace_publications_total{result="delivered|no_subscribers"},
// alloplace_publication_deliveries_total, alloplace_subscriptions,
// alloplace_publication_route_seconds.
// Ownership: registers itself with the Place (commands, publication handler,
// observer) and must outlive it or at least its last event.
// Thread-safety: event-loop thread only.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "guard/subscription_table.hpp"
#include "place/place.hpp"

namespace allo::place {

class PlaceSubscriptions : public PlaceObserver {
 public:
  PlaceSubscriptions(Place& place, prometheus::Registry& registry);
  PlaceSubscriptions(const PlaceSubscriptions&) = delete;
  PlaceSubscriptions& operator=(const PlaceSubscriptions&) = delete;

  // Routes one publication from `publisher` (also the publication handler).
  void publish(Agent& publisher, const proto::Interaction& publication);

  size_t size() const { return table_.size(); }
  void on_agent_left(const Agent& agent) override;

 private:
  void handle_subscribe(Agent& agent, const proto::Interaction& request);
  void handle_unsubscribe(Agent& agent, const proto::Interaction& request);

  Place& place_;
  guard::SubscriptionTable table_;
  prometheus::Counter& delivered_;
  prometheus::Counter& no_subscribers_;
  prometheus::Counter& deliveries_;
  prometheus::Gauge& subscriptions_;
  prometheus::Histogram& route_seconds_;
};

}  // namespace allo::place
