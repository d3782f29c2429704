// What every `allo` command does first and while waiting: connect and announce
// an avatar, and block (polling) until a request's reply arrives.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string_view>

#include "allo/client.hpp"
#include "cli_options.hpp"

namespace allo::cli {

using nlohmann::json;

// Connects to options.positional[0] and announces. Errors: the SDK's connect
// errors, "announce_failed" (with the place's code and detail), "bad_json".
proto::Result<std::unique_ptr<client::Client>> open_agent(const CliOptions& options);

// Sends with `send` and polls until the reply (or the SDK's timeout /
// disconnected error body). A send error becomes ["error", code, detail].
using SendRequest = std::function<proto::Result<std::string>(client::ResponseCallback)>;
json await_reply(client::Client& client, const SendRequest& send);

// A JSON command-line argument. Errors: "bad_json" naming `what`.
proto::Result<json> parse_json_arg(std::string_view text, std::string_view what);

// Polls for `seconds` (or until the connection drops); false if it dropped.
bool hold_connection(client::Client& client, double seconds);

}  // namespace allo::cli
