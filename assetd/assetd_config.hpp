// allo-assetd's settings: defaults, then a JSON config file (--config), then
// command-line flags, validated together. Pure: no files are touched except
// reading the config file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/address.hpp"
#include "common/log.hpp"
#include "proto/error.hpp"

namespace allo::assetd {

struct AssetdConfig {
  Endpoint link{"127.0.0.1", 21339};
  std::filesystem::path db = "assetd-db";
  uint64_t budget = 1ull << 30;      // 0: no cache
  uint64_t hard_limit = 3ull << 29;  // 1.5 GiB
  uint64_t map_size = 2ull << 30;
  uint64_t max_asset_size = 64ull << 20;
  uint32_t chunk_bytes = 64 * 1024;
  uint64_t window_bytes = 256 * 1024;
  double source_timeout = 5.0;
  std::optional<Endpoint> metrics;
  log::Level log_level = log::Level::kInfo;
  bool inspect = false;
  bool help = false;
};

// Parses the arguments after the program name. Errors: "bad_config", with a
// detail naming the setting and what is wrong with it.
proto::Result<AssetdConfig> parse_assetd_config(const std::vector<std::string>& args);

// "1048576", "512KiB", "64MiB", "2GiB" (also K/M/G and KB/MB/GB, all powers
// of 1024). nullopt on anything else or on overflow.
std::optional<uint64_t> parse_byte_size(std::string_view text);

// The --help text.
std::string assetd_usage();

}  // namespace allo::assetd
