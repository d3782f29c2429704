// allo: the command-line client. Wiring only; see cli_options.cpp for the
// command line and one_shot_commands.cpp / script_runner.cpp for the work.
#include <fmt/format.h>

#include <cstdio>

#include "asset_command.hpp"
#include "cli_options.hpp"
#include "common/log.hpp"
#include "one_shot_commands.hpp"
#include "script_runner.hpp"

int main(int argc, char** argv) {
  auto options = allo::cli::parse_cli(argc, argv);
  if (!options) {
    fmt::print(stderr, "allo: {}\nTry allo --help.\n", options.error().detail);
    return 2;
  }
  if (options->help) {
    std::fputs(allo::cli::usage_text(), stdout);
    return 0;
  }
  allo::log::configure("allo",
                       options->verbose ? allo::log::Level::kDebug : allo::log::Level::kWarn);
  const auto& cmd = options->command;
  if (cmd == "watch") return allo::cli::run_watch(*options);
  if (cmd == "spawn") return allo::cli::run_spawn(*options);
  if (cmd == "remove") return allo::cli::run_remove(*options);
  if (cmd == "change") return allo::cli::run_change(*options);
  if (cmd == "request") return allo::cli::run_request(*options);
  if (cmd == "oneway") return allo::cli::run_oneway(*options);
  if (cmd == "asset") return allo::cli::run_asset(*options);
  return allo::cli::run_script(*options);
}
