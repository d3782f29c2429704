#include "loadgen_report.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

namespace allo::loadgen {
namespace {

using nlohmann::json;

double rank(const std::vector<float>& sorted, double q) {
  const size_t n = sorted.size();
  size_t index = static_cast<size_t>(std::ceil(q * static_cast<double>(n)));
  index = std::clamp<size_t>(index, 1, n) - 1;
  return sorted[index];
}

template <class T>
bool read(const json& object, const char* name, T& out) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_number()) return false;
  if constexpr (std::is_floating_point_v<T>) {
    out = it->get<double>();
  } else {
    if (!it->is_number_unsigned() && !(it->is_number_integer() && it->get<int64_t>() >= 0))
      return false;
    out = static_cast<T>(it->get<uint64_t>());
  }
  return true;
}

}  // namespace

LatencySummary summarize_latency(std::vector<float>& samples_ms) {
  LatencySummary out;
  out.samples = samples_ms.size();
  if (samples_ms.empty()) return out;
  std::sort(samples_ms.begin(), samples_ms.end());
  out.p50_ms = rank(samples_ms, 0.5);
  out.p99_ms = rank(samples_ms, 0.99);
  out.p999_ms = rank(samples_ms, 0.999);
  out.max_ms = samples_ms.back();
  return out;
}

namespace {

json latency_json(const LatencySummary& l) {
  return {{"p50", l.p50_ms},
          {"p99", l.p99_ms},
          {"p999", l.p999_ms},
          {"max", l.max_ms},
          {"samples", l.samples}};
}

}  // namespace

std::string to_json_line(const LoadgenReport& r) {
  json body = {{"clients", r.clients},
               {"speakers", r.speakers},
               {"selected", r.selected},
               {"direct_clients", r.direct_clients},
               {"seconds", r.seconds},
               {"packets_sent", r.packets_sent},
               {"expected", r.expected},
               {"delivered", r.delivered},
               {"delivered_ratio", r.delivered_ratio()},
               {"unknown", r.unknown},
               {"decoded", r.decoded},
               {"decode_failures", r.decode_failures},
               {"intents_sent", r.intents_sent},
               {"state_packets", r.state_packets},
               {"loadgen_cpu_seconds", r.loadgen_cpu_seconds},
               {"threads", r.threads},
               {"latency_ms", latency_json(r.latency)},
               {"arrival_latency_ms", latency_json(r.arrival_latency)}};
  return json{{"loadgen_report", body}}.dump();
}

proto::Result<LoadgenReport> parse_report_line(std::string_view line) {
  json doc = json::parse(line, nullptr, false);
  if (doc.is_discarded()) return proto::fail("not_json", std::string(line.substr(0, 80)));
  if (!doc.is_object() || !doc.contains("loadgen_report") || !doc["loadgen_report"].is_object()) {
    return proto::fail("not_a_report", "no loadgen_report object");
  }
  const json& b = doc["loadgen_report"];
  LoadgenReport r;
  const json latency = b.value("latency_ms", json::object());
  const json arrival = b.value("arrival_latency_ms", json::object());
  struct Field {
    const char* name;
    bool ok;
  };
  for (const Field& f :
       {Field{"clients", read(b, "clients", r.clients)},
        Field{"speakers", read(b, "speakers", r.speakers)},
        Field{"selected", read(b, "selected", r.selected)},
        Field{"direct_clients", read(b, "direct_clients", r.direct_clients)},
        Field{"seconds", read(b, "seconds", r.seconds)},
        Field{"packets_sent", read(b, "packets_sent", r.packets_sent)},
        Field{"expected", read(b, "expected", r.expected)},
        Field{"delivered", read(b, "delivered", r.delivered)},
        Field{"unknown", read(b, "unknown", r.unknown)},
        Field{"decoded", read(b, "decoded", r.decoded)},
        Field{"decode_failures", read(b, "decode_failures", r.decode_failures)},
        Field{"intents_sent", read(b, "intents_sent", r.intents_sent)},
        Field{"state_packets", read(b, "state_packets", r.state_packets)},
        Field{"loadgen_cpu_seconds", read(b, "loadgen_cpu_seconds", r.loadgen_cpu_seconds)},
        Field{"threads", read(b, "threads", r.threads)},
        Field{"latency_ms.p50", read(latency, "p50", r.latency.p50_ms)},
        Field{"latency_ms.p99", read(latency, "p99", r.latency.p99_ms)},
        Field{"latency_ms.p999", read(latency, "p999", r.latency.p999_ms)},
        Field{"latency_ms.max", read(latency, "max", r.latency.max_ms)},
        Field{"latency_ms.samples", read(latency, "samples", r.latency.samples)},
        Field{"arrival_latency_ms.p50", read(arrival, "p50", r.arrival_latency.p50_ms)},
        Field{"arrival_latency_ms.p99", read(arrival, "p99", r.arrival_latency.p99_ms)},
        Field{"arrival_latency_ms.p999", read(arrival, "p999", r.arrival_latency.p999_ms)},
        Field{"arrival_latency_ms.max", read(arrival, "max", r.arrival_latency.max_ms)},
        Field{"arrival_latency_ms.samples", read(arrival, "samples", r.arrival_latency.samples)}}) {
    if (!f.ok) return proto::fail("bad_field", f.name);
  }
  return r;
}

}  // namespace allo::loadgen
