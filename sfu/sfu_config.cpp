#include "sfu/sfu_config.hpp"

#include <fmt/format.h>

#include <charconv>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "common/log.hpp"
#include "common/realtime.hpp"

namespace allo::sfu {

namespace {

using proto::fail;

std::unexpected<proto::Error> bad(std::string_view name, std::string_view value,
                                  std::string_view expected) {
  return fail("bad_setting", fmt::format("{}: expected {}, got '{}'", name, expected, value));
}

template <class T>
bool parse_number(std::string_view text, T& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size();
}

// Applies one setting by name (flag without dashes or config key).
proto::Result<void> apply(SfuConfig& config, std::string_view name, std::string_view value) {
  if (name == "link" || name == "listen") {
    auto endpoint = parse_endpoint(value);
    if (!endpoint) return bad(name, value, "HOST:PORT");
    (name == "link" ? config.link : config.listen) = *endpoint;
  } else if (name == "metrics") {
    if (value == "off") {
      config.metrics.reset();
    } else {
      auto endpoint = parse_endpoint(value);
      if (!endpoint) return bad(name, value, "HOST:PORT or off");
      config.metrics = *endpoint;
    }
  } else if (name == "public-endpoint" || name == "public_endpoint") {
    if (!parse_endpoint(value)) return bad(name, value, "HOST:PORT");
    config.public_endpoint = std::string(value);
  } else if (name == "workers") {
    if (!parse_number(value, config.workers) || config.workers > 64)
      return bad(name, value, "0..64");
  } else if (name == "max-speakers" || name == "max_speakers") {
    if (!parse_number(value, config.max_speakers) || config.max_speakers > 1000) {
      return bad(name, value, "0..1000");
    }
  } else if (name == "radius") {
    if (!parse_number(value, config.radius) || !(config.radius >= 0)) {
      return bad(name, value, "a distance >= 0");
    }
  } else if (name == "queue-capacity" || name == "queue_capacity") {
    if (!parse_number(value, config.queue_capacity) || config.queue_capacity < 16 ||
        config.queue_capacity > (1u << 20)) {
      return bad(name, value, "16..1048576");
    }
  } else if (name == "rt-priority" || name == "rt_priority") {
    if (!parse_number(value, config.rt_priority) || config.rt_priority < 0 ||
        config.rt_priority > kMaxRtPriority) {
      return bad(name, value, "0..99");
    }
  } else if (name == "shared-socket" || name == "shared_socket") {
    if (value == "on" || value == "true") {
      config.shared_socket = true;
    } else if (value == "off" || value == "false") {
      config.shared_socket = false;
    } else {
      return bad(name, value, "on or off");
    }
  } else if (name == "log-level" || name == "log_level") {
    log::Level level;
    if (!log::parse_level(value, level)) return bad(name, value, "debug|info|warn|error");
    config.log_level = std::string(value);
  } else {
    return fail("bad_setting", fmt::format("unknown setting '{}'", name));
  }
  return {};
}

proto::Result<void> apply_file(SfuConfig& config, std::string_view path) {
  std::ifstream in{std::string(path)};
  if (!in) return fail("bad_setting", fmt::format("--config: cannot read '{}'", path));
  std::stringstream text;
  text << in.rdbuf();
  auto doc = nlohmann::json::parse(text.str(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return fail("bad_setting", fmt::format("--config: '{}' is not a JSON object", path));
  }
  for (const auto& [key, value] : doc.items()) {
    const std::string text_value = value.is_string() ? value.get<std::string>() : value.dump();
    auto applied = apply(config, key, text_value);
    if (!applied) {
      return fail("bad_setting", fmt::format("{} (in {})", applied.error().detail, path));
    }
  }
  return {};
}

}  // namespace

proto::Result<SfuConfig> parse_sfu_args(const std::vector<std::string_view>& args) {
  SfuConfig config;
  // The file first, so flags override it.
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == "--config") {
      auto applied = apply_file(config, args[i + 1]);
      if (!applied) return std::unexpected(applied.error());
    }
  }
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (arg == "--help" || arg == "-h") {
      config.help = true;
      continue;
    }
    if (!arg.starts_with("--"))
      return fail("bad_setting", fmt::format("unexpected argument '{}'", arg));
    if (i + 1 >= args.size()) return fail("bad_setting", fmt::format("{}: missing value", arg));
    const std::string_view value = args[++i];
    if (arg == "--config") continue;
    auto applied = apply(config, arg.substr(2), value);
    if (!applied) return std::unexpected(applied.error());
  }
  if (config.workers == 0) config.workers = std::max(1u, std::thread::hardware_concurrency());
  if (config.public_endpoint.empty()) {
    Endpoint advertised = config.listen;
    if (advertised.host == "0.0.0.0") advertised.host = "127.0.0.1";
    config.public_endpoint = advertised.to_string();
  }
  return config;
}

std::string sfu_usage() {
  return R"(usage: allo-sfu [options]
  --link HOST:PORT          local link the place connects to (default 127.0.0.1:21338)
  --listen HOST:PORT        public direct-path endpoint for SDK clients (default 0.0.0.0:21340)
  --public-endpoint H:P     direct-path address advertised to clients (default: --listen)
  --metrics HOST:PORT|off   Prometheus /metrics (default 127.0.0.1:9102)
  --workers N               fan-out worker threads, 0 = one per core (default 0)
  --max-speakers N          speakers each listener gets, loudest first; 0 = all (default 6)
  --radius METRES           do not forward voices farther than this; 0 = off (default 0)
  --queue-capacity N        packets per worker-to-worker ring (default 4096)
  --rt-priority N           run the link thread and workers under SCHED_RR at priority
                            N (1..99; needs CAP_SYS_NICE or LimitRTPRIO); 0 = normal
                            scheduling (default 0)
  --shared-socket on|off    offer a place on this machine to send its compatible-path
                            voice from here, on the place's own socket (default on)
  --log-level LEVEL         debug|info|warn|error (default info)
  --config FILE             JSON object with the same settings (keys without dashes);
                            flags given on the command line override it
  --help                    this text
)";
}

}  // namespace allo::sfu
