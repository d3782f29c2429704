#include "agent_session.hpp"

#include <optional>

#include "allo/interaction_bodies.hpp"
#include "common/mono_clock.hpp"
#include "proto/intent.hpp"
#include "proto/interaction.hpp"

namespace allo::cli {

proto::Result<json> parse_json_arg(std::string_view text, std::string_view what) {
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded()) return proto::fail("bad_json", std::string(what) + " is not valid JSON");
  return doc;
}

proto::Result<std::unique_ptr<client::Client>> open_agent(const CliOptions& options) {
  json avatar = {{"transform", {{"matrix", proto::matrix_to_json(proto::kIdentityMatrix)}}}};
  if (!options.avatar_json.empty()) {
    auto parsed = parse_json_arg(options.avatar_json, "--avatar");
    if (!parsed) return std::unexpected(parsed.error());
    avatar = *parsed;
  }
  client::ClientOptions client_options;
  client_options.request_timeout_seconds = options.timeout;
  auto agent = std::make_unique<client::Client>(client_options);
  auto connected = agent->connect(options.positional.at(0), options.timeout);
  if (!connected) return std::unexpected(connected.error());
  std::optional<client::AnnounceResult> result;
  auto sent = agent->announce({{"display_name", options.name}}, avatar,
                              [&](const client::AnnounceResult& r) { result = r; });
  if (!sent) return std::unexpected(sent.error());
  agent->run_until([&] { return result.has_value(); }, options.timeout + 1);
  if (!result) return proto::fail("announce_failed", "no announce reply");
  if (!result->ok) {
    return proto::fail("announce_failed", result->error.code + ": " + result->error.detail);
  }
  return agent;
}

json await_reply(client::Client& client, const SendRequest& send) {
  std::optional<json> reply;
  auto sent = send([&](const json& body) { reply = body; });
  if (!sent) return proto::error_body(sent.error().code, sent.error().detail);
  // The SDK answers every request (reply, timeout or disconnected), so this
  // deadline only guards against a stalled poll loop.
  double limit = client.options().request_timeout_seconds + 5;
  client.run_until([&] { return reply.has_value(); }, limit);
  if (!reply) return proto::error_body("timeout", "no reply");
  return *reply;
}

bool hold_connection(client::Client& client, double seconds) {
  const double deadline = mono_seconds() + seconds;
  client.run_until([&] { return mono_seconds() >= deadline; }, seconds);
  return client.is_connected();
}

}  // namespace allo::cli
