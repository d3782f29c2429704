#include "place/place_subscriptions.hpp"

#include <charconv>
#include <chrono>

#include "place/agent_guard_context.hpp"
#include "proto/json_frame.hpp"
#include "proto/limits.hpp"

namespace allo::place {

using nlohmann::json;

namespace {

prometheus::Family<prometheus::Counter>& publications_family(prometheus::Registry& r) {
  return prometheus::BuildCounter()
      .Name("alloplace_publications_total")
      .Help("Publications routed, by result (delivered to at least one subscriber or dropped)")
      .Register(r);
}

// The subscriber key in the table: the agent id in decimal.
std::string subscriber_key(AgentId id) {
  return std::to_string(id);
}

std::optional<AgentId> agent_of(const std::string& key) {
  AgentId id = 0;
  auto [p, ec] = std::from_chars(key.data(), key.data() + key.size(), id);
  if (ec != std::errc() || p != key.data() + key.size()) return std::nullopt;
  return id;
}

}  // namespace

PlaceSubscriptions::PlaceSubscriptions(Place& place, prometheus::Registry& registry)
    : place_(place),
      delivered_(publications_family(registry).Add({{"result", "delivered"}})),
      no_subscribers_(publications_family(registry).Add({{"result", "no_subscribers"}})),
      deliveries_(prometheus::BuildCounter()
                      .Name("alloplace_publication_deliveries_total")
                      .Help("Publication copies sent to subscribers")
                      .Register(registry)
                      .Add({})),
      subscriptions_(prometheus::BuildGauge()
                         .Name("alloplace_subscriptions")
                         .Help("Subscriptions currently held by agents")
                         .Register(registry)
                         .Add({})),
      route_seconds_(prometheus::BuildHistogram()
                         .Name("alloplace_publication_route_seconds")
                         .Help("Time to match one publication against the subscriptions")
                         .Register(registry)
                         .Add({}, prometheus::Histogram::BucketBoundaries{1e-6, 1e-5, 5e-5, 1e-4,
                                                                          5e-4, 1e-3, 1e-2})) {
  place.register_command("subscribe",
                         [this](Agent& a, const proto::Interaction& i) { handle_subscribe(a, i); });
  place.register_command(
      "unsubscribe", [this](Agent& a, const proto::Interaction& i) { handle_unsubscribe(a, i); });
  place.set_publication_handler([this](Agent& a, const proto::Interaction& i) { publish(a, i); });
  place.add_observer(this);
}

void PlaceSubscriptions::handle_subscribe(Agent& agent, const proto::Interaction& request) {
  const json& body = request.body;
  if (body.size() != 2 || !body[1].is_string()) {
    return place_.reply_error(agent, request, "invalid_request",
                              "subscribe takes one pattern string: [\"subscribe\", pattern]");
  }
  auto id = table_.add(body[1].get_ref<const std::string&>(), subscriber_key(agent.id));
  if (!id) return place_.reply_error(agent, request, id.error().code, id.error().detail);
  subscriptions_.Set(static_cast<double>(table_.size()));
  place_.metrics().interaction(proto::to_string(request.type), "subscribe", "ok");
  place_.reply(agent, request, json::array({"subscribe", *id}));
}

void PlaceSubscriptions::handle_unsubscribe(Agent& agent, const proto::Interaction& request) {
  const json& body = request.body;
  if (body.size() != 2 || !body[1].is_string()) {
    return place_.reply_error(agent, request, "invalid_request",
                              "unsubscribe takes a subscription id: [\"unsubscribe\", id]");
  }
  const std::string& id = body[1].get_ref<const std::string&>();
  // Another agent's subscription is "not_subscribed" for this one.
  const std::string* owner = table_.subscriber_of(id);
  bool removed = owner && *owner == subscriber_key(agent.id) && table_.remove(id);
  subscriptions_.Set(static_cast<double>(table_.size()));
  place_.metrics().interaction(proto::to_string(request.type), "unsubscribe",
                               removed ? "ok" : "not_subscribed");
  place_.reply(agent, request, json::array({"unsubscribe", removed ? "ok" : "not_subscribed"}));
}

void PlaceSubscriptions::publish(Agent& publisher, const proto::Interaction& publication) {
  auto started = std::chrono::steady_clock::now();
  AgentGuardContext context(place_.world(), publisher);
  std::vector<std::string> subscribers = table_.match(publication.body, &context);
  route_seconds_.Observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  if (subscribers.empty()) {
    no_subscribers_.Increment();
    place_.metrics().interaction("publication", publication.name(), "dropped");
    return;
  }
  std::string bytes = proto::encode_json(proto::to_json(publication));
  for (const auto& key : subscribers) {
    auto id = agent_of(key);
    if (!id || !place_.agent(*id)) continue;
    place_.send_to_agent(*id, limits::kChannelCommands, bytes, true);
    deliveries_.Increment();
  }
  delivered_.Increment();
  place_.metrics().interaction("publication", publication.name(), "forwarded");
}

void PlaceSubscriptions::on_agent_left(const Agent& agent) {
  table_.remove_subscriber(subscriber_key(agent.id));
  subscriptions_.Set(static_cast<double>(table_.size()));
}

}  // namespace allo::place
