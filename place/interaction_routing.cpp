// Routing of interactions: requests and oneways to the owner of the receiving
// entity, responses only back to the agent whose request is outstanding,
// commands to "place" to their handler, publications to the publication
// handler (subscriptions) or dropped.
#include "common/log.hpp"
#include "place/place.hpp"
#include "proto/limits.hpp"

namespace allo::place {

using proto::InteractionType;

void Place::set_publication_handler(CommandHandler handler) {
  publication_handler_ = std::move(handler);
}

void Place::route(Agent& agent, const proto::Interaction& in, double now) {
  // The filter (ACL) sees an unannounced agent's announce, then only
  // interactions whose sender entity is verified, so rules may trust "from".
  if (!agent.announced) {
    if (in.to == "place" && in.type == InteractionType::kRequest && in.name() == "announce") {
      if (interaction_filter_ && !interaction_filter_(agent, in)) return;
      return handle_announce(agent, in);
    }
    return reply_error(agent, in, "not_announced",
                       "the first interaction must be an announce request to place");
  }
  if (!agent.owned.contains(in.from)) {
    return reply_error(agent, in, "invalid_sender",
                       "\"" + in.from + "\" is not an entity this agent owns");
  }
  if (interaction_filter_ && !interaction_filter_(agent, in)) return;
  if (in.type == InteractionType::kResponse) return route_response(agent, in);
  if (in.type == InteractionType::kPublication) {
    if (publication_handler_) return publication_handler_(agent, in);
    metrics_.interaction("publication", in.name(), "dropped");
    metrics_.rejected("no_subscribers");
    return;
  }
  if (in.to == "place") return route_to_place(agent, in);
  const auto* target = world_.find(in.to);
  auto owner = target ? agents_.find(target->owner) : agents_.end();
  if (owner == agents_.end()) {
    return reply_error(agent, in, "invalid_recipient", "no agent owns entity \"" + in.to + "\"");
  }
  if (in.type == InteractionType::kRequest) {
    if (agent.pending_requests >= limits::kMaxPendingRequestsPerAgent) {
      return reply_error(agent, in, "too_many_pending_requests",
                         "at most " + std::to_string(limits::kMaxPendingRequestsPerAgent) +
                             " requests may await responses");
    }
    PendingKey key{owner->first, in.request_id, in.from};
    if (pending_.contains(key)) {
      return reply_error(agent, in, "duplicate_request_id",
                         "request id " + in.request_id + " is still pending");
    }
    pending_.emplace(std::move(key), Pending{agent.id, in.to, now + options_.request_timeout});
    agent.pending_requests++;
    metrics_.pending_requests.Set(static_cast<double>(pending_.size()));
  }
  metrics_.interaction(proto::to_string(in.type), in.name(), "forwarded");
  send_interaction(owner->first, in);
}

void Place::route_to_place(Agent& agent, const proto::Interaction& in) {
  auto handler = commands_.find(in.name());
  if (handler == commands_.end()) {
    return reply_error(agent, in, "unknown_command",
                       "the place has no command \"" + in.name() + "\"");
  }
  handler->second(agent, in);
}

void Place::route_response(Agent& agent, const proto::Interaction& in) {
  auto it = pending_.find(PendingKey{agent.id, in.request_id, in.to});
  if (it == pending_.end()) {
    return reply_error(agent, in, "unexpected_response",
                       "no request " + in.request_id + " from \"" + in.to +
                           "\" awaits a response from this agent");
  }
  AgentId requester = it->second.requester;
  pending_.erase(it);
  metrics_.pending_requests.Set(static_cast<double>(pending_.size()));
  auto req = agents_.find(requester);
  if (req == agents_.end()) return;
  req->second.pending_requests--;
  metrics_.interaction("response", in.name(), "forwarded");
  send_interaction(requester, in);
}

void Place::fail_pending_for(AgentId responder, std::string_view code) {
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->first.responder != responder) {
      ++it;
      continue;
    }
    if (auto req = agents_.find(it->second.requester); req != agents_.end()) {
      req->second.pending_requests--;
      send_interaction(
          req->first,
          {InteractionType::kResponse, it->second.responder_entity, it->first.requester_entity,
           it->first.request_id, proto::error_body(code, "the recipient left before responding")});
    }
    it = pending_.erase(it);
  }
  metrics_.pending_requests.Set(static_cast<double>(pending_.size()));
}

void Place::drop_pending_from(AgentId requester) {
  std::erase_if(pending_, [requester](const auto& kv) { return kv.second.requester == requester; });
  metrics_.pending_requests.Set(static_cast<double>(pending_.size()));
}

}  // namespace allo::place
