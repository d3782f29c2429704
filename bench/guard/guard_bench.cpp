// Routes one publication through a SubscriptionTable holding 1,000
// subscriptions (50 first literals, a quarter with guards, some without a
// first literal), beside a naive baseline that evaluates every subscription.
// Prints both medians and the naive/indexed ratio. Target: well under 1 ms.
// Run: build/bin/guard_bench
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "guard/subscription_table.hpp"

namespace {

using allo::guard::Pattern;
using allo::guard::SubscriptionTable;
using nlohmann::json;

constexpr int kSubscriptions = 1000;
constexpr int kVerbs = 50;
constexpr int kSubscribers = 200;

struct Spec {
  std::string pattern;
  std::string subscriber;
};

std::vector<Spec> make_specs() {
  std::vector<Spec> specs;
  for (int i = 0; i < kSubscriptions; ++i) {
    std::string verb = fmt::format("verb_{}", i % kVerbs);
    std::string pattern;
    switch (i % 8) {
      case 0:
        pattern = fmt::format(R"(["{}", Sender, Body] where Sender == "nevyn")", verb);
        break;
      case 1:
        pattern =
            fmt::format(R"(["{}", _, Body] where Body["n"] > 3 and is_string(Body["text"]))", verb);
        break;
      case 2:
        pattern = fmt::format(R"(["{}", _])", verb);  // other length: never matches
        break;
      case 3:
        if (i % 40 == 3) {  // no first literal: evaluated for every publication
          pattern = fmt::format(R"([Verb, _, _] where Verb == "{}")", verb);
          break;
        }
        [[fallthrough]];
      default:
        pattern = fmt::format(R"(["{}", Sender, Body])", verb);
    }
    specs.push_back({pattern, fmt::format("agent-{}", i % kSubscribers)});
  }
  return specs;
}

const json& publication() {
  static const json p = json::parse(R"(["verb_8", "nevyn", {"text": "hello", "n": 5}])");
  return p;
}

void BM_IndexedTable(benchmark::State& state) {
  SubscriptionTable table;
  for (const Spec& s : make_specs()) {
    if (!table.add(s.pattern, s.subscriber)) state.SkipWithError("bad pattern");
  }
  size_t delivered = 0;
  for (auto _ : state) {
    auto subscribers = table.match(publication(), nullptr);
    delivered = subscribers.size();
    benchmark::DoNotOptimize(subscribers);
  }
  state.counters["delivered"] = static_cast<double>(delivered);
}

void BM_NaiveEvaluateAll(benchmark::State& state) {
  struct Entry {
    Pattern pattern;
    std::string subscriber;
  };
  std::vector<Entry> entries;
  for (const Spec& s : make_specs())
    entries.push_back({*Pattern::compile(s.pattern), s.subscriber});
  size_t delivered = 0;
  for (auto _ : state) {
    std::vector<std::string> subscribers;
    for (const Entry& e : entries) {
      if (e.pattern.matches(publication(), nullptr)) subscribers.push_back(e.subscriber);
    }
    std::sort(subscribers.begin(), subscribers.end());
    subscribers.erase(std::unique(subscribers.begin(), subscribers.end()), subscribers.end());
    delivered = subscribers.size();
    benchmark::DoNotOptimize(subscribers);
  }
  state.counters["delivered"] = static_cast<double>(delivered);
}

BENCHMARK(BM_IndexedTable)->Unit(benchmark::kMicrosecond)->Repetitions(7)->ReportAggregatesOnly();
BENCHMARK(BM_NaiveEvaluateAll)
    ->Unit(benchmark::kMicrosecond)
    ->Repetitions(7)
    ->ReportAggregatesOnly();

// Prints the normal table and remembers each benchmark's median real and CPU
// time (on a shared, loaded machine real time includes waiting for a core).
class MedianReporter : public benchmark::ConsoleReporter {
 public:
  struct Median {
    double real = 0;
    double cpu = 0;
  };
  std::map<std::string, Median> medians;

  MedianReporter() : ConsoleReporter(OO_Tabular) {}  // no colour codes in logs

  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      bool median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
      if (median || run.run_type == Run::RT_Iteration) {
        medians[run.run_name.function_name] = {run.GetAdjustedRealTime(), run.GetAdjustedCPUTime()};
      }
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  MedianReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  auto indexed = reporter.medians.find("BM_IndexedTable");
  auto naive = reporter.medians.find("BM_NaiveEvaluateAll");
  if (indexed == reporter.medians.end() || naive == reporter.medians.end()) return 0;
  const auto& i = indexed->second;
  const auto& n = naive->second;
  fmt::print(
      "guard routing, {} subscriptions, one publication (medians, us):\n"
      "  indexed SubscriptionTable: real {:.2f}, cpu {:.2f}\n"
      "  naive evaluate-all:        real {:.2f}, cpu {:.2f}\n"
      "  naive/indexed:             real {:.1f}x, cpu {:.1f}x\n",
      kSubscriptions, i.real, i.cpu, n.real, n.cpu, n.real / i.real, n.cpu / i.cpu);
  return 0;
}
