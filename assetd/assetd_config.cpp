#include "assetd/assetd_config.hpp"

#include <fmt/format.h>

#include <charconv>
#include <fstream>
#include <nlohmann/json.hpp>

namespace allo::assetd {
namespace {

using nlohmann::json;

proto::Result<AssetdConfig> bad(const std::string& setting, const std::string& what) {
  return proto::fail("bad_config", fmt::format("{}: {}", setting, what));
}

// Applies one setting given as text (a flag value or a config file value).
std::optional<std::string> apply(AssetdConfig& c, const std::string& key, const std::string& v) {
  auto size = [&](uint64_t& out) -> std::optional<std::string> {
    auto parsed = parse_byte_size(v);
    if (!parsed) return "not a byte size: '" + v + "' (use e.g. 1048576, 512KiB, 64MiB, 2GiB)";
    out = *parsed;
    return std::nullopt;
  };
  auto endpoint = [&](Endpoint& out) -> std::optional<std::string> {
    auto parsed = parse_endpoint(v);
    if (!parsed) return "not HOST:PORT: '" + v + "'";
    out = *parsed;
    return std::nullopt;
  };
  if (key == "link") return endpoint(c.link);
  if (key == "metrics") {
    Endpoint e;
    if (auto err = endpoint(e)) return err;
    c.metrics = e;
    return std::nullopt;
  }
  if (key == "db") {
    if (v.empty()) return "empty directory";
    c.db = v;
    return std::nullopt;
  }
  if (key == "budget") return size(c.budget);
  if (key == "hard-limit") return size(c.hard_limit);
  if (key == "map-size") return size(c.map_size);
  if (key == "max-asset-size") return size(c.max_asset_size);
  if (key == "window") return size(c.window_bytes);
  if (key == "chunk-size") {
    uint64_t n = 0;
    if (auto err = size(n)) return err;
    if (n < 1024 || n > 512 * 1024) return "must be between 1KiB and 512KiB";
    c.chunk_bytes = static_cast<uint32_t>(n);
    return std::nullopt;
  }
  if (key == "source-timeout") {
    double t = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), t);
    if (ec != std::errc() || p != v.data() + v.size() || !(t > 0 && t <= 600)) {
      return "seconds between 0 and 600, not '" + v + "'";
    }
    c.source_timeout = t;
    return std::nullopt;
  }
  if (key == "log-level") {
    if (!log::parse_level(v, c.log_level)) return "one of debug, info, warn, error";
    return std::nullopt;
  }
  return "unknown setting";
}

std::optional<std::string> load_file(AssetdConfig& c, const std::string& path, std::string& key) {
  std::ifstream in(path);
  key = "config";
  if (!in) return "cannot read '" + path + "'";
  json doc = json::parse(in, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return "'" + path + "' is not a JSON object";
  for (auto& [k, value] : doc.items()) {
    key = k;
    std::string text;
    if (value.is_string()) {
      text = value.get<std::string>();
    } else if (value.is_number()) {
      text = value.dump();
    } else {
      return "must be a string or a number";
    }
    if (auto err = apply(c, k, text)) return err;
  }
  return std::nullopt;
}

proto::Result<AssetdConfig> validate(AssetdConfig c) {
  if (c.map_size < (1ull << 20)) return bad("map-size", "must be at least 1MiB");
  if (c.budget > 0) {
    if (c.hard_limit < c.budget) return bad("hard-limit", "must be at least the budget");
    if (c.hard_limit > c.map_size) return bad("hard-limit", "must not exceed map-size");
  }
  if (c.max_asset_size == 0) return bad("max-asset-size", "must be above 0");
  if (c.window_bytes < c.chunk_bytes) return bad("window", "must be at least chunk-size");
  return c;
}

}  // namespace

std::optional<uint64_t> parse_byte_size(std::string_view text) {
  uint64_t n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || p == text.data()) return std::nullopt;
  std::string_view unit(p, text.data() + text.size() - p);
  int shift = 0;
  if (unit.empty() || unit == "B") {
    shift = 0;
  } else if (unit == "K" || unit == "KB" || unit == "KiB") {
    shift = 10;
  } else if (unit == "M" || unit == "MB" || unit == "MiB") {
    shift = 20;
  } else if (unit == "G" || unit == "GB" || unit == "GiB") {
    shift = 30;
  } else {
    return std::nullopt;
  }
  if (shift > 0 && n > (UINT64_MAX >> shift)) return std::nullopt;
  return n << shift;
}

proto::Result<AssetdConfig> parse_assetd_config(const std::vector<std::string>& args) {
  AssetdConfig c;
  // The config file first, so that flags override it.
  for (size_t i = 0; i < args.size(); ++i) {
    std::optional<std::string> path;
    if (args[i] == "--config" && i + 1 < args.size()) path = args[i + 1];
    if (args[i].starts_with("--config=")) path = args[i].substr(9);
    std::string key;
    if (path) {
      if (auto err = load_file(c, *path, key)) return bad(key, *err);
    }
  }
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      c.help = true;
      continue;
    }
    if (arg == "--inspect") {
      c.inspect = true;
      continue;
    }
    if (!arg.starts_with("--")) return bad(arg, "unexpected argument");
    std::string key = arg.substr(2), value;
    if (auto eq = key.find('='); eq != std::string::npos) {
      value = key.substr(eq + 1);
      key.resize(eq);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return bad(arg, "needs a value");
    }
    if (key == "config") continue;
    if (auto err = apply(c, key, value)) return bad(arg, *err);
  }
  return validate(std::move(c));
}

std::string assetd_usage() {
  return R"(allo-assetd: the asset cache daemon of an Alloverse place.

usage: allo-assetd [--link HOST:PORT] [--db DIR] [--budget BYTES] [--metrics HOST:PORT] ...
       allo-assetd --inspect --db DIR

  --link HOST:PORT       where the place connects (ENet; default 127.0.0.1:21339)
  --db DIR               LMDB environment directory (default ./assetd-db)
  --budget BYTES         cache size; least recently used assets are evicted to
                         stay under it. 0 = no cache (assets stream through
                         memory only). Default 1GiB
  --hard-limit BYTES     past this many bytes of pages in use new assets are
                         refused (default 1.5GiB; budget <= hard-limit <= map-size)
  --map-size BYTES       LMDB map size (default 2GiB)
  --max-asset-size BYTES largest asset accepted (default 64MiB)
  --chunk-size BYTES     asset bytes per data frame and per stored record (default 64KiB)
  --window BYTES         unacknowledged bytes per agent (default 256KiB)
  --source-timeout SECS  silence after which the next source is asked (default 5)
  --metrics HOST:PORT    serve Prometheus metrics on http://HOST:PORT/metrics
  --log-level LEVEL      debug, info, warn or error (default info)
  --config FILE          JSON object of the settings above, e.g.
                         {"budget": "4GiB", "map-size": "8GiB"}; flags override it
  --inspect              print entries, bytes, budget and hit ratio of --db, then exit
  --help                 this text

Sizes take a KiB/MiB/GiB suffix (powers of 1024).
)";
}

}  // namespace allo::assetd
