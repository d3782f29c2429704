#include "place/place_config.hpp"

#include <charconv>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <type_traits>

#include "common/realtime.hpp"
#include "proto/limits.hpp"

namespace allo::place {
namespace {

using nlohmann::json;

proto::Result<void> set_value(PlaceConfig& c, const std::string& key, const std::string& value) {
  auto bad = [&](const std::string& why) {
    return proto::fail("bad_config", key + ": " + why + " (got \"" + value + "\")");
  };
  // A number (double) or a whole number (int) in [lo, hi].
  auto ranged = [&]<typename T>(T& out, std::type_identity_t<T> lo,
                                std::type_identity_t<T> hi) -> proto::Result<void> {
    T v{};
    auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (ec != std::errc() || p != value.data() + value.size() || v < lo || v > hi) {
      return bad(
          std::string(std::is_integral_v<T> ? "expected a whole number" : "expected a number") +
          " from " + std::to_string(lo) + " to " + std::to_string(hi));
    }
    out = v;
    return {};
  };
  auto endpoint = [&](std::optional<Endpoint>& out, bool allow_off) -> proto::Result<void> {
    if (allow_off && (value == "off" || value.empty())) {
      out.reset();
      return {};
    }
    auto ep = parse_endpoint(value);
    if (!ep) return bad("expected HOST:PORT");
    out = *ep;
    return {};
  };
  if (key == "listen") {
    auto ep = parse_endpoint(value);
    if (!ep) return bad("expected HOST:PORT");
    c.listen = *ep;
  } else if (key == "metrics") {
    return endpoint(c.metrics, true);
  } else if (key == "sfu") {
    return endpoint(c.sfu, true);
  } else if (key == "assetd") {
    return endpoint(c.assetd, true);
  } else if (key == "name") {
    if (value.empty() || value.size() > 200) return bad("expected 1 to 200 characters");
    c.name = value;
  } else if (key == "tick-hz") {
    return ranged(c.tick_hz, 1, 200);
  } else if (key == "announce-timeout") {
    return ranged(c.announce_timeout, 0.1, 3600);
  } else if (key == "request-timeout") {
    return ranged(c.request_timeout, 0.1, 3600);
  } else if (key == "max-peers") {
    double v = 0;
    if (auto r = ranged(v, 1, limits::kMaxPeers); !r) return r;
    c.max_peers = static_cast<size_t>(v);
  } else if (key == "rt-priority") {
    return ranged(c.rt_priority, 0, kMaxRtPriority);
  } else if (key == "rt-max-load") {
    return ranged(c.rt_max_load, 0.05, 0.95);
  } else if (key == "state-window") {
    int v = 0;
    if (auto r = ranged(v, 0, kMaxStateWindow); !r) return r;
    if (v == 1) return bad("expected 0 (off) or 2 to " + std::to_string(kMaxStateWindow));
    c.state_window = static_cast<uint64_t>(v);
  } else if (key == "acl-file" || key == "admin-token-file") {
    (key == "acl-file" ? c.acl_file : c.admin_token_file) = value == "off" ? "" : value;
  } else if (key == "owner-key") {
    if (!value.empty() && value.size() < 16)  // a secret: not echoed
      return proto::fail("bad_config", "owner-key: expected at least 16 characters");
    c.owner_key = value;
  } else if (key == "log-level") {
    if (!log::parse_level(value, c.log_level)) return bad("expected debug, info, warn or error");
  } else {
    return proto::fail("bad_config", "unknown setting \"" + key + "\" (see --help)");
  }
  return {};
}

proto::Result<void> load_file(PlaceConfig& c, const std::string& path) {
  std::ifstream in(path);
  if (!in) return proto::fail("bad_config", "config: cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  json doc = json::parse(ss.str(), nullptr, false, /*ignore_comments=*/true);
  if (doc.is_discarded() || !doc.is_object())
    return proto::fail("bad_config", "config: " + path + " is not a JSON object");
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    std::string value = it->is_string() ? it->get<std::string>() : it->dump();
    if (it->is_null()) value = "off";
    if (auto r = set_value(c, it.key(), value); !r) {
      return proto::fail("bad_config", path + ": " + r.error().detail);
    }
  }
  return {};
}

}  // namespace

std::string place_usage() {
  return R"(usage: alloplace [options]

The place core: the public alloplace:// endpoint (ENet over UDP).

Options (each may also be a key in the JSON file given with --config; flags win):
  --listen HOST:PORT          public ENet endpoint            (default 127.0.0.1:21337)
  --metrics HOST:PORT|off     Prometheus /metrics endpoint    (default 127.0.0.1:9101)
  --name NAME                 place name sent in announce replies (default "Unnamed place")
  --tick-hz N                 simulation and state rate       (default 20)
  --announce-timeout SECONDS  disconnect agents that do not announce in time (default 10)
  --request-timeout SECONDS   answer routed requests with a timeout error after (default 30)
  --max-peers N               connected peers at most         (default 1024)
  --sfu HOST:PORT|off         SFU link (voice); off by default
  --assetd HOST:PORT|off      asset daemon link; off by default
  --rt-priority N             run the event loop under SCHED_RR at priority N (1..99;
                              needs CAP_SYS_NICE or LimitRTPRIO); 0 = normal (default 0)
  --rt-max-load SHARE         back to normal scheduling for a while when the loop uses more
                              than SHARE (0.05..0.95) of a core over a second (default 0.75)
  --state-window N            hold a client's state stream while the newest revision sent to
                              it is N or more ahead of its acknowledgement, probing it now
                              and then (2..63; 0 = off; default 32, 1.6 s at 20 Hz)
  --log-level LEVEL           debug, info, warn or error      (default info)
  --acl-file PATH             interaction ACL rules, saved on every change (default: in memory)
  --owner-key KEY             an agent announcing identity.owner_key == KEY owns the place
  --admin-token-file PATH     an agent announcing identity.admin_token == the file's token
                              (mode 600, 16+ bytes) is a local admin; see docs/ACL.md
  --config FILE               JSON object with the keys above, e.g. {"name": "Lobby", "tick-hz": 20}
  --help                      this text

Offline ACL editor (for a stopped place; docs/ACL.md):
  alloplace acl list|add POSITION allow|deny PATTERN|remove POSITION --acl-file PATH
)";
}

proto::Result<PlaceConfig> parse_place_config(const std::vector<std::string>& args) {
  PlaceConfig c;
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == "--config") {
      if (auto r = load_file(c, args[i + 1]); !r) return std::unexpected(r.error());
    }
  }
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      c.help = true;
      continue;
    }
    if (!a.starts_with("--"))
      return proto::fail("bad_config", "unexpected argument \"" + a + "\" (see --help)");
    std::string key = a.substr(2), value;
    if (auto eq = key.find('='); eq != std::string::npos) {
      value = key.substr(eq + 1);
      key = key.substr(0, eq);
    } else {
      if (i + 1 >= args.size()) return proto::fail("bad_config", a + " needs a value");
      value = args[++i];
    }
    if (key == "config") continue;
    if (auto r = set_value(c, key, value); !r) return std::unexpected(r.error());
  }
  return c;
}

}  // namespace allo::place
