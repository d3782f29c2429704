#include "loadgen_options.hpp"

#include <fmt/format.h>
#include <charconv>

namespace allo::loadgen {
namespace {

template <class T>
bool parse_number(const std::string& text, T min, T max, T& out) {
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max)
    return false;
  out = value;
  return true;
}

}  // namespace

std::string loadgen_usage() {
  return "allo-loadgen [--place alloplace://127.0.0.1:21337] [--clients 10] [--speakers 2]\n"
         "             [--selected 0] [--seconds 5] [--warmup 1] [--path direct|compatible]\n"
         "             [--decode-every 97] [--setup-timeout 60] [--listeners read|sink]\n"
         "             [--intent-hz 20] [--threads 0]\n"
         "N SDK clients join the place (announce, ack state, send intents at --intent-hz);\n"
         "the first S allocate a track and send speech-like Opus every 20 ms. --selected is\n"
         "the SFU's --max-speakers (0 = everyone hears everyone). Prints one JSON report line.\n"
         "--listeners sink: while speakers send, nobody reads voice (a socket filter has\n"
         "the kernel drop it; Linux), every connection is polled every 100 ms (or at\n"
         "--intent-hz) to stay up, and frames go out in 2 ms bursts: a saturation test of\n"
         "the SFU: count its packets out; deliveries are not measured.\n"
         "--threads T: event-loop threads the clients are spread over (0 = one per core).\n";
}

proto::Result<LoadgenOptions> parse_loadgen_options(const std::vector<std::string>& args) {
  LoadgenOptions o;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& flag = args[i];
    if (flag == "-h" || flag == "--help") return proto::fail("help", loadgen_usage());
    if (i + 1 >= args.size()) return proto::fail("bad_flag", flag + ": missing value");
    const std::string& value = args[++i];
    auto bad = [&](const char* expected) {
      return proto::fail("bad_flag",
                         fmt::format("{}: expected {}, got '{}'", flag, expected, value));
    };
    if (flag == "--place") {
      if (value.rfind("alloplace://", 0) != 0) return bad("alloplace://host[:port]");
      o.place_url = value;
    } else if (flag == "--clients") {
      if (!parse_number(value, 1u, kMaxLoadgenClients, o.clients)) return bad("1..4000");
    } else if (flag == "--speakers") {
      if (!parse_number(value, 0u, kMaxLoadgenClients, o.speakers)) return bad("0..4000");
    } else if (flag == "--selected") {
      if (!parse_number(value, 0u, 1000u, o.selected)) return bad("0..1000");
    } else if (flag == "--seconds") {
      if (!parse_number(value, 0.1, kMaxLoadgenSeconds, o.seconds)) return bad("0.1..600");
    } else if (flag == "--warmup") {
      if (!parse_number(value, 0.0, 60.0, o.warmup_seconds)) return bad("0..60");
    } else if (flag == "--path") {
      if (value != "direct" && value != "compatible") return bad("direct or compatible");
      o.direct = value == "direct";
    } else if (flag == "--decode-every") {
      if (!parse_number(value, 0u, 1000000u, o.decode_every)) return bad("0..1000000");
    } else if (flag == "--listeners") {
      if (value != "read" && value != "sink") return bad("read or sink");
      o.sink = value == "sink";
    } else if (flag == "--intent-hz") {
      if (!parse_number(value, 1.0, 100.0, o.intent_hz)) return bad("1..100");
    } else if (flag == "--threads") {
      if (!parse_number(value, 0u, kMaxLoadgenThreads, o.threads)) return bad("0..64");
    } else if (flag == "--setup-timeout") {
      if (!parse_number(value, 1.0, 600.0, o.setup_timeout_seconds)) return bad("1..600");
    } else {
      return proto::fail("bad_flag", "unknown flag " + flag);
    }
  }
  if (o.speakers > o.clients) {
    return proto::fail("bad_flag", fmt::format("--speakers: at most --clients ({}), got {}",
                                               o.clients, o.speakers));
  }
  return o;
}

}  // namespace allo::loadgen
