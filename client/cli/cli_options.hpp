// Command line of the `allo` client: parsed into CliOptions, pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "proto/error.hpp"

namespace allo::cli {

struct CliOptions {
  std::string command;  // watch, spawn, remove, change, request, oneway, script, asset
  std::vector<std::string> positional;  // arguments after the command (URL first)
  std::string name = "allo-cli";        // --name: identity display_name
  std::string avatar_json;              // --avatar: avatar spec (default: identity transform)
  std::optional<double> seconds;        // --seconds: watch duration
  double hold = 0;                      // --hold: stay connected after spawn
  double timeout = 10;                  // --timeout: connect and request timeout
  std::string mode = "cascade";         // --mode: remove mode
  std::string remove_json = "[]";       // --remove: change's component removal list
  bool json = false;                    // --json: watch prints full documents
  std::string output;                   // -o/--output: asset get destination file
  bool help = false;
  bool verbose = false;  // --verbose: SDK debug logs on stderr
};

// Errors: "usage" with a message naming the bad argument.
proto::Result<CliOptions> parse_cli(int argc, const char* const* argv);

// The --help text.
const char* usage_text();

}  // namespace allo::cli
