#include "one_shot_commands.hpp"

#include <fmt/format.h>

#include <csignal>
#include <cstdio>
#include <limits>

#include "agent_session.hpp"
#include "allo/interaction_bodies.hpp"
#include "common/mono_clock.hpp"
#include "proto/interaction.hpp"

namespace allo::cli {
namespace {

volatile std::sig_atomic_t g_interrupted = 0;

int report(const proto::Error& e) {
  fmt::print(stderr, "allo: {}: {}\n", e.code, e.detail);
  return 1;
}

void print_line(const std::string& line) {
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

// Prints a reply body; error bodies also go to stderr and fail the command.
int print_reply(const json& reply) {
  print_line(reply.dump());
  if (client::is_error_body(reply)) return report(client::error_from_body(reply));
  return 0;
}

std::string change_line(const client::StateChange& c) {
  std::string line = fmt::format("rev {}", c.revision);
  if (c.full_set) line += " set";
  for (const auto& id : c.added) line += " +" + id;
  for (const auto& id : c.changed) line += " ~" + id;
  for (const auto& id : c.removed) line += " -" + id;
  return line;
}

}  // namespace

int run_watch(const CliOptions& options) {
  auto agent = open_agent(options);
  if (!agent) return report(agent.error());
  client::Client& c = **agent;
  c.on_state_change([&](const client::StateChange& change) {
    print_line(options.json ? c.state().document().dump() : change_line(change));
  });
  std::signal(SIGINT, [](int) { g_interrupted = 1; });
  std::signal(SIGTERM, [](int) { g_interrupted = 1; });
  const double seconds = options.seconds.value_or(std::numeric_limits<double>::infinity());
  const double deadline = mono_seconds() + seconds;
  c.run_until([&] { return g_interrupted != 0 || mono_seconds() >= deadline; }, seconds);
  if (!c.is_connected() && g_interrupted == 0) {
    return report({"disconnected", "the place closed the connection"});
  }
  c.disconnect();
  return 0;
}

int run_spawn(const CliOptions& options) {
  auto spec = parse_json_arg(options.positional[1], "SPEC_JSON");
  if (!spec) return report(spec.error());
  auto agent = open_agent(options);
  if (!agent) return report(agent.error());
  client::Client& c = **agent;
  json reply = await_reply(c, [&](auto cb) { return c.spawn_entity(*spec, std::move(cb)); });
  auto id = client::parse_spawn_reply(reply);
  if (!id) return report(id.error());
  print_line(*id);
  if (options.hold > 0 && !hold_connection(c, options.hold)) {
    return report({"disconnected", "the place closed the connection while holding"});
  }
  c.disconnect();
  return 0;
}

int run_remove(const CliOptions& options) {
  auto agent = open_agent(options);
  if (!agent) return report(agent.error());
  client::Client& c = **agent;
  json reply = await_reply(c, [&](auto cb) {
    return c.remove_entity(options.positional[1], options.mode, std::move(cb));
  });
  c.disconnect();
  return print_reply(reply);
}

int run_change(const CliOptions& options) {
  auto components = parse_json_arg(options.positional[2], "COMPONENTS_JSON");
  if (!components) return report(components.error());
  auto remove = parse_json_arg(options.remove_json, "--remove");
  if (!remove) return report(remove.error());
  auto agent = open_agent(options);
  if (!agent) return report(agent.error());
  client::Client& c = **agent;
  json reply = await_reply(c, [&](auto cb) {
    return c.change_components(options.positional[1], *components, *remove, std::move(cb));
  });
  c.disconnect();
  return print_reply(reply);
}

int run_request(const CliOptions& options) {
  auto body = parse_json_arg(options.positional[2], "BODY_JSON");
  if (!body) return report(body.error());
  auto agent = open_agent(options);
  if (!agent) return report(agent.error());
  client::Client& c = **agent;
  json reply = await_reply(
      c, [&](auto cb) { return c.request(options.positional[1], *body, std::move(cb)); });
  c.disconnect();
  return print_reply(reply);
}

int run_oneway(const CliOptions& options) {
  auto body = parse_json_arg(options.positional[2], "BODY_JSON");
  if (!body) return report(body.error());
  auto agent = open_agent(options);
  if (!agent) return report(agent.error());
  client::Client& c = **agent;
  auto sent = c.oneway(options.positional[1], *body);
  if (!sent) return report(sent.error());
  c.disconnect();  // a graceful close delivers the queued packet first
  return 0;
}

}  // namespace allo::cli
