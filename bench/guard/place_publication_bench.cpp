// One publication through the whole place path: Place::on_packet (JSON
// decode, interaction parse, sender check), the ACL with its default rules,
// PlaceSubscriptions matching 1,000 subscriptions of 200 agents, encoding and
// handing the copies to the outbox. With and without the ACL.
// Target: well under 1 ms. Run: build/bin/place_publication_bench
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <prometheus/registry.h>

#include <memory>

#include "common/log.hpp"
#include "place/acl_gate.hpp"
#include "place/default_acl_rules.hpp"
#include "place/place.hpp"
#include "place/place_subscriptions.hpp"
#include "proto/json_frame.hpp"
#include "proto/limits.hpp"

namespace {

using namespace allo;
using nlohmann::json;

constexpr int kAgents = 200;
constexpr int kSubscriptions = 1000;
constexpr int kVerbs = 50;

class CountingOutbox : public place::Outbox {
 public:
  void send(place::AgentId, uint8_t, std::string bytes, bool) override { sent += bytes.size(); }
  void send_shared(std::span<const place::AgentId> to, uint8_t,
                   const std::shared_ptr<const std::string>& bytes, bool) override {
    sent += bytes->size() * to.size();
  }
  void disconnect(place::AgentId) override {}
  size_t sent = 0;
};

struct Fixture {
  explicit Fixture(bool with_acl)
      : metrics(registry), place({}, out, metrics, 0), subscriptions(place, registry) {
    log::configure("place_publication_bench", log::Level::kWarn);
    if (with_acl)
      acl = std::make_unique<place::AclGate>(place, registry, place::default_acl_rules(),
                                             place::AclSettings{});
    for (place::AgentId id = 1; id <= kAgents; ++id) {
      place.on_connect(id, 0);
      packet(id, {"interaction",
                  "request",
                  "",
                  "place",
                  "a",
                  {"announce",
                   "version",
                   2,
                   "identity",
                   {{"display_name", "bench"}},
                   "spawn_avatar",
                   json::object()}});
    }
    for (int i = 0; i < kSubscriptions; ++i) {
      place::AgentId id = 1 + i % kAgents;
      std::string verb = fmt::format("verb_{}", i % kVerbs);
      std::string pattern = i % 4 == 0
                                ? fmt::format(R"(["{}", Sender, _] where Sender == "nevyn")", verb)
                                : fmt::format(R"(["{}", _, Body] where Body["n"] > 3)", verb);
      packet(id, {"interaction",
                  "request",
                  place.agent(id)->avatar,
                  "place",
                  "s",
                  {"subscribe", pattern}});
    }
    publication = proto::encode_json({"interaction",
                                      "publication",
                                      place.agent(1)->avatar,
                                      "",
                                      "",
                                      {"verb_8", "nevyn", {{"text", "hello"}, {"n", 5}}}});
  }
  void packet(place::AgentId id, const json& doc) { raw(id, proto::encode_json(doc)); }
  void raw(place::AgentId id, const std::string& bytes) {
    place.on_packet(id, limits::kChannelCommands,
                    {reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()}, 0);
  }

  prometheus::Registry registry;
  place::PlaceMetrics metrics;
  CountingOutbox out;
  place::Place place;
  place::PlaceSubscriptions subscriptions;
  std::unique_ptr<place::AclGate> acl;
  std::string publication;
};

void run(benchmark::State& state, bool with_acl) {
  Fixture f(with_acl);
  if (f.subscriptions.size() != kSubscriptions) state.SkipWithError("subscriptions refused");
  size_t before = f.out.sent;
  f.raw(1, f.publication);
  size_t copy = f.publication.size();
  state.counters["delivered"] =
      static_cast<double>(f.out.sent - before) / static_cast<double>(copy);
  for (auto _ : state) f.raw(1, f.publication);
}

void BM_PublicationThroughPlace(benchmark::State& state) {
  run(state, false);
}
void BM_PublicationThroughPlaceWithAcl(benchmark::State& state) {
  run(state, true);
}

BENCHMARK(BM_PublicationThroughPlace)
    ->Unit(benchmark::kMicrosecond)
    ->Repetitions(5)
    ->ReportAggregatesOnly();
BENCHMARK(BM_PublicationThroughPlaceWithAcl)
    ->Unit(benchmark::kMicrosecond)
    ->Repetitions(5)
    ->ReportAggregatesOnly();

}  // namespace

BENCHMARK_MAIN();
