// `allo script URL`: one long-lived agent driven by commands on stdin, one
// JSON reply line per command on stdout (see usage_text()). Keeps polling the
// connection while it waits for input, so the agent stays alive between commands.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "allo/client.hpp"
#include "cli_options.hpp"

namespace allo::cli {

// Returns the exit status: 0 after quit / end of input, 1 when the connection
// fails or the place disconnects.
int run_script(const CliOptions& options);

// Runs one command line against a connected client; returns the reply
// document (with "cmd" and "ok"). Sets `quit` for the quit command.
nlohmann::json run_script_line(client::Client& client, const std::string& line, bool& quit);

}  // namespace allo::cli
