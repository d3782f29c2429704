// State-stream benchmark (issue 2). Runs the real place core in-process with
// a counting outbox: N clients that ack what they received with a simulated
// round trip of 1-3 ticks, E entities owned by an app agent, M of which move
// every tick through change_components. Measured side by side in one run:
//   ours  - Place::tick(): shared merge patches per acked revision
//   naive - the full state serialized for every client every tick
// Prints state bytes per client per second and server CPU per tick (thread
// CPU time, median over the measured ticks), and the ratios. Bytes are JSON
// payload bytes (ENet adds ~10-40 bytes of headers per packet).
#include <prometheus/registry.h>
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <map>
#include <random>
#include <vector>

#include "common/log.hpp"
#include "place/place.hpp"
#include "proto/intent.hpp"
#include "proto/json_frame.hpp"
#include "proto/limits.hpp"

namespace {

using namespace allo;
using nlohmann::json;
using place::AgentId;

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Counts state bytes per agent and keeps the last revision each agent got.
class CountingOutbox : public place::Outbox {
 public:
  void send(AgentId to, uint8_t channel, std::string bytes, bool) override {
    if (channel == limits::kChannelCommands) last_reply[to] = std::move(bytes);
  }
  void send_shared(std::span<const AgentId> to, uint8_t channel,
                   const std::shared_ptr<const std::string>& bytes, bool) override {
    if (channel != limits::kChannelState || !counting) return;
    // The revision, read without parsing (a full parse here would be billed to the tick).
    size_t at = bytes->rfind("\"revision\":");
    uint64_t rev = std::strtoull(bytes->c_str() + at + 11, nullptr, 10);
    for (AgentId id : to) {
      if (id != 1) state_bytes += bytes->size();  // agent 1 is the app, not a client
      received[id] = rev;
    }
  }
  void disconnect(AgentId) override {}

  std::map<AgentId, std::string> last_reply;
  std::map<AgentId, uint64_t> received;
  uint64_t state_bytes = 0;
  bool counting = true;
};

struct Scenario {
  int clients;
  int entities;
  int moving;
  int ticks = 200;
  bool ack_zero = false;  // clients that always ack 0 (they get a set every tick)
};

struct Result {
  double bytes_per_client_per_s;
  double cpu_per_tick_ms;
};

std::string frame(const json& doc) {
  return proto::encode_json(doc);
}

void packet(place::Place& p, AgentId id, uint8_t channel, const std::string& bytes, double now) {
  p.on_packet(id, channel, {reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()}, now);
}

std::string announce(place::Place& p, CountingOutbox& out, AgentId id, double now) {
  p.on_connect(id, now);
  packet(p, id, limits::kChannelCommands,
         frame({"interaction",
                "request",
                "",
                "place",
                "a",
                {"announce",
                 "version",
                 2,
                 "identity",
                 {{"display_name", "c" + std::to_string(id)}},
                 "spawn_avatar",
                 {{"transform", {{"matrix", proto::matrix_to_json(proto::kIdentityMatrix)}}}}}}),
         now);
  return (*proto::decode_json(out.last_reply[id], 1 << 20, 64))[5][1];
}

json transform_at(double x, double z) {
  proto::Matrix m = proto::kIdentityMatrix;
  m[12] = x;
  m[14] = z;
  return {{"transform", {{"matrix", proto::matrix_to_json(m)}}}};
}

// Runs the scenario; `naive` replaces the per-tick state send with a full
// serialization per client (measured around the same tick).
Result run(const Scenario& s, bool naive) {
  prometheus::Registry registry;
  place::PlaceMetrics metrics(registry);
  CountingOutbox out;
  double now = 1000.0;
  place::Place p(place::PlaceOptions{"bench", 1e9, 1e9, {}}, out, metrics, now);
  const AgentId app = 1;
  std::string app_avatar = announce(p, out, app, now);
  out.received.clear();
  std::vector<std::string> ids;
  for (int i = 0; i < s.entities; ++i) {
    json spec = transform_at(i % 50, i / 50);
    spec["geometry"] = {{"type", "hardcoded-model"}, {"name", "box"}};
    spec["material"] = {{"color", {0.5, 0.5, 0.5, 1.0}}};
    packet(p, app, limits::kChannelCommands,
           frame({"interaction",
                  "request",
                  app_avatar,
                  "place",
                  "s" + std::to_string(i),
                  {"spawn_entity", spec}}),
           now);
    ids.push_back((*proto::decode_json(out.last_reply[app], 1 << 20, 64))[5][1]);
  }
  std::vector<AgentId> clients;
  for (int c = 0; c < s.clients; ++c) {
    clients.push_back(static_cast<AgentId>(100 + c));
    announce(p, out, clients.back(), now);
  }
  std::mt19937 rng(42);
  // acks in flight: the revision a client received `lag` ticks ago.
  std::map<AgentId, std::deque<uint64_t>> in_flight;
  std::vector<double> cpu;
  uint64_t bytes_at_start = 0;
  const int warmup = 20;
  for (int t = 0; t < warmup + s.ticks; ++t) {
    now += 0.05;
    for (int m = 0; m < s.moving; ++m) {
      const std::string& id = ids[rng() % ids.size()];
      packet(
          p, app, limits::kChannelCommands,
          frame({"interaction",
                 "request",
                 app_avatar,
                 "place",
                 "m" + std::to_string(t * 1000 + m),
                 {"change_components", id, "add_or_change",
                  transform_at(rng() % 100 / 10.0, rng() % 100 / 10.0), "remove", json::array()}}),
          now);
    }
    // The app acks like an SDK client, one tick behind; it is not counted.
    {
      proto::Intent intent;
      intent.ack_state_rev = out.received[app];
      packet(p, app, limits::kChannelState, frame(proto::to_json(intent)), now);
    }
    for (AgentId c : clients) {
      if (s.ack_zero) continue;
      auto& q = in_flight[c];
      q.push_back(out.received[c]);
      size_t lag = 1 + c % 3;  // 50-150 ms round trips
      while (q.size() > lag) {
        proto::Intent intent;
        intent.ack_state_rev = q.front();
        q.pop_front();
        packet(p, c, limits::kChannelState, frame(proto::to_json(intent)), now);
      }
    }
    if (t == warmup) bytes_at_start = out.state_bytes;
    double c0 = thread_cpu_seconds();
    if (!naive) {
      p.tick(now);
    } else {
      out.counting = false;  // the world advances, but only the naive sends count
      p.tick(now);
      out.counting = true;
      c0 = thread_cpu_seconds();
      for (size_t i = 0; i < clients.size(); ++i) {
        json ents = json::object();
        for (const auto& [eid, rec] : p.world().records()) ents[eid] = rec.value->doc;
        json doc = {{"entities", std::move(ents)},
                    {"revision", p.world().revision()},
                    {"patch_style", "set"}};
        out.state_bytes += proto::encode_json(doc).size();
      }
    }
    if (t >= warmup) cpu.push_back(thread_cpu_seconds() - c0);
  }
  uint64_t bytes = out.state_bytes - bytes_at_start;
  double seconds = s.ticks * 0.05;
  Result r{};
  r.cpu_per_tick_ms = median(cpu) * 1000;
  r.bytes_per_client_per_s = static_cast<double>(bytes) / s.clients / seconds;
  return r;
}

}  // namespace

int main() {
  allo::log::configure("state_bench", allo::log::Level::kWarn);
  std::printf(
      "State stream benchmark: place core in-process, 20 Hz ticks, clients ack with 1-3 ticks of "
      "lag.\n");
  std::printf(
      "Bytes are JSON payload bytes per client per second; CPU is thread CPU per tick "
      "(median).\n\n");
  std::printf("%-34s %14s %14s %12s %12s\n", "scenario", "ours B/s/cl", "naive B/s/cl",
              "ours ms/tick", "naive ms/tick");
  struct Row {
    const char* name;
    Scenario s;
  };
  const Row rows[] = {
      {"100 clients, 500 ent, 20 moving", {100, 500, 20}},
      {"100 clients, 500 ent, idle", {100, 500, 0}},
      {"100 clients acking 0, 500 ent, idle", {100, 500, 0, 200, true}},
  };
  for (const auto& row : rows) {
    Result ours = run(row.s, false);
    Scenario naive_s = row.s;
    naive_s.ticks = 40;  // the naive mode is slow; 40 ticks give a stable median
    Result naive = run(naive_s, true);
    std::printf("%-34s %14.0f %14.0f %12.3f %12.3f\n", row.name, ours.bytes_per_client_per_s,
                naive.bytes_per_client_per_s, ours.cpu_per_tick_ms, naive.cpu_per_tick_ms);
    std::printf("%-34s %14s bytes ratio naive/ours = %.0fx, CPU ratio naive/ours = %.1fx\n", "", "",
                naive.bytes_per_client_per_s / std::max(1.0, ours.bytes_per_client_per_s),
                naive.cpu_per_tick_ms / std::max(1e-6, ours.cpu_per_tick_ms));
  }
  std::printf(
      "\nTarget: idle clients under 6000 B/s each (ENet headers add ~30 B x 20/s = 600 B/s).\n");

  // Tick cost must follow changed entities and distinct acked revisions, not entities x clients.
  std::printf("\nScaling of our tick cost (20 moving unless stated):\n");
  std::printf("%-34s %12s %14s\n", "scenario", "ms/tick", "entities*clients");
  const Row scaling[] = {
      {"100 clients, 500 ent", {100, 500, 20}},
      {"100 clients, 1990 ent", {100, 1990, 20}},
      {"400 clients, 500 ent", {400, 500, 20}},
      {"400 clients, 1990 ent", {400, 1990, 20}},
      {"100 clients, 500 ent, 80 moving", {100, 500, 80}},
  };
  for (const auto& row : scaling) {
    Result ours = run(row.s, false);
    std::printf("%-34s %12.3f %14d\n", row.name, ours.cpu_per_tick_ms,
                row.s.entities * row.s.clients);
  }
  return 0;
}
