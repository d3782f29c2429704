// The `allo` commands that connect, do one thing and disconnect
// (watch, spawn, remove, change, request, oneway). Each returns the process
// exit status (0 ok, 1 failure) and prints errors on stderr.
#pragma once

#include "cli_options.hpp"

namespace allo::cli {

int run_watch(const CliOptions& options);
int run_spawn(const CliOptions& options);
int run_remove(const CliOptions& options);
int run_change(const CliOptions& options);
int run_request(const CliOptions& options);
int run_oneway(const CliOptions& options);

}  // namespace allo::cli
