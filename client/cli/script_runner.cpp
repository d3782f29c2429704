#include "script_runner.hpp"

#include <fmt/format.h>
#include <poll.h>
#include <unistd.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "agent_session.hpp"
#include "allo/interaction_bodies.hpp"
#include "common/mono_clock.hpp"

namespace allo::cli {
namespace {

json reply_doc(const std::string& cmd, const json& reply) {
  return {{"cmd", cmd}, {"ok", !client::is_error_body(reply)}, {"reply", reply}};
}

json failure(const std::string& cmd, const std::string& code, const std::string& detail) {
  return {{"cmd", cmd}, {"ok", false}, {"error", code}, {"detail", detail}};
}

// Splits "WORD rest" into the word and the trimmed rest.
std::pair<std::string, std::string> next_word(const std::string& text) {
  size_t start = text.find_first_not_of(" \t");
  if (start == std::string::npos) return {"", ""};
  size_t end = text.find_first_of(" \t", start);
  if (end == std::string::npos) return {text.substr(start), ""};
  size_t rest = text.find_first_not_of(" \t", end);
  return {text.substr(start, end - start), rest == std::string::npos ? "" : text.substr(rest)};
}

bool parse_seconds(const std::string& text, double& out) {
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size() && std::isfinite(out) && out >= 0;
}

void print_line(const json& doc) {
  std::string line = doc.dump() + "\n";
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fflush(stdout);
}

}  // namespace

json run_script_line(client::Client& c, const std::string& line, bool& quit) {
  auto [cmd, rest] = next_word(line);
  if (cmd == "quit" || cmd == "exit") {
    quit = true;
    return {{"cmd", cmd}, {"ok", true}};
  }
  if (cmd == "state") return {{"cmd", cmd}, {"ok", true}, {"state", c.state().document()}};
  if (cmd == "stats") {
    const auto& st = c.stats();
    json stats = {{"state_packets_received", st.state_packets_received},
                  {"state_bytes_received", st.state_bytes_received},
                  {"state_packets_dropped", st.state_packets_dropped},
                  {"sets_applied", st.sets_applied},
                  {"merges_applied", st.merges_applied},
                  {"state_refused", st.state_refused},
                  {"intents_sent", st.intents_sent},
                  {"clock_replies", st.clock_replies},
                  {"revision", c.state().revision()},
                  {"ack_revision", c.state().ack_revision()}};
    if (auto rtt = c.clock().round_trip()) stats["clock_round_trip"] = *rtt;
    return {{"cmd", cmd}, {"ok", true}, {"stats", stats}};
  }
  if (cmd == "hold") {
    double seconds = 0;
    if (!parse_seconds(rest, seconds)) return failure(cmd, "usage", "hold SECONDS");
    if (!hold_connection(c, seconds))
      return failure(cmd, "disconnected", "place closed the connection");
    return {{"cmd", cmd}, {"ok", true}};
  }
  if (cmd == "wait-entity") {
    auto [id, secs] = next_word(rest);
    double seconds = 0;
    if (id.empty() || !parse_seconds(secs, seconds))
      return failure(cmd, "usage", "wait-entity ID SECONDS");
    auto present = [&] { return c.state().document()["entities"].contains(id); };
    if (!c.run_until(present, seconds))
      return failure(cmd, "timeout", "entity " + id + " did not appear");
    return {{"cmd", cmd}, {"ok", true}, {"entity", c.state().document()["entities"][id]}};
  }
  if (cmd == "remove") {
    auto [id, mode] = next_word(rest);
    if (id.empty()) return failure(cmd, "usage", "remove ID [MODE]");
    json reply = await_reply(c, [&](auto cb) { return c.remove_entity(id, mode, std::move(cb)); });
    return reply_doc(cmd, reply);
  }
  if (cmd == "spawn") {
    auto spec = parse_json_arg(rest, "spec");
    if (!spec) return failure(cmd, spec.error().code, spec.error().detail);
    json reply = await_reply(c, [&](auto cb) { return c.spawn_entity(*spec, std::move(cb)); });
    json out = reply_doc(cmd, reply);
    if (auto id = client::parse_spawn_reply(reply)) out["id"] = *id;
    return out;
  }
  if (cmd == "change" || cmd == "request" || cmd == "oneway") {
    auto [target, text] = next_word(rest);
    auto body = parse_json_arg(text, "JSON");
    if (target.empty() || !body) return failure(cmd, "usage", cmd + " ID JSON");
    if (cmd == "oneway") {
      auto sent = c.oneway(target, *body);
      if (!sent) return failure(cmd, sent.error().code, sent.error().detail);
      return {{"cmd", cmd}, {"ok", true}};
    }
    json reply = await_reply(c, [&](auto cb) {
      return cmd == "change" ? c.change_components(target, *body, json::array(), std::move(cb))
                             : c.request(target, *body, std::move(cb));
    });
    return reply_doc(cmd, reply);
  }
  return failure(cmd, "unknown_command", "see allo --help");
}

int run_script(const CliOptions& options) {
  auto agent = open_agent(options);
  if (!agent) {
    fmt::print(stderr, "allo: {}: {}\n", agent.error().code, agent.error().detail);
    return 1;
  }
  client::Client& c = **agent;
  print_line({{"event", "announced"},
              {"ok", true},
              {"avatar_id", c.avatar_id()},
              {"place_name", c.place_name()}});
  std::string buffer;
  bool quit = false, eof = false;
  while (!quit) {
    // Run every complete line already buffered.
    size_t newline;
    while (!quit && (newline = buffer.find('\n')) != std::string::npos) {
      std::string line = buffer.substr(0, newline);
      buffer.erase(0, newline + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      auto first = line.find_first_not_of(" \t");
      if (first == std::string::npos || line[first] == '#') continue;
      print_line(run_script_line(c, line, quit));
    }
    if (quit) break;
    if (eof) {
      if (!buffer.empty()) print_line(run_script_line(c, buffer, quit));
      break;
    }
    if (!c.is_connected()) {
      print_line({{"event", "disconnected"}, {"ok", false}});
      fmt::print(stderr, "allo: disconnected: the place closed the connection\n");
      return 1;
    }
    // Wait briefly for input, then keep the connection serviced.
    pollfd in{STDIN_FILENO, POLLIN, 0};
    if (::poll(&in, 1, 0) > 0) {
      char chunk[4096];
      ssize_t n = ::read(STDIN_FILENO, chunk, sizeof chunk);
      if (n <= 0) {
        eof = true;
      } else {
        buffer.append(chunk, static_cast<size_t>(n));
      }
      continue;
    }
    c.poll(10);
  }
  c.disconnect();
  return 0;
}

}  // namespace allo::cli
