// `allo asset put|get`: publish a file through the place's asset cache, or
// fetch an asset into a file with a progress bar. Returns the exit status
// (0 ok, 1 failure, 2 usage) and prints errors on stderr.
#pragma once

#include "cli_options.hpp"

namespace allo::cli {

int run_asset(const CliOptions& options);

}  // namespace allo::cli
