// VoiceDirectLink: an agent's direct-path connection to allo-sfu (docs/SFU.md,
// "Direct path"): a second ENet connection (5 channels) to the SFU's
// direct_endpoint, authenticated by a token from the place, then media packets
// both ways on channel 3. Owns its ENet host. Not thread-safe; the SDK starts
// no threads: call service() often (VoiceSession does).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/address.hpp"
#include "proto/error.hpp"

namespace allo::client {

class EnetConnection;

class VoiceDirectLink {
 public:
  // Connects, sends {"type":"hello","token":...} and waits (blocking, up to
  // timeout_seconds in total) for the welcome. Errors: EnetConnection's
  // connect errors ("connect_timeout", ...), "refused" (detail = the SFU's
  // reason: bad_signature, expired, ...), "hello_timeout", "closed",
  // "bad_reply".
  static proto::Result<std::unique_ptr<VoiceDirectLink>> open(const Endpoint& endpoint,
                                                              const std::string& token,
                                                              double timeout_seconds);
  ~VoiceDirectLink();  // drops the connection without a goodbye
  VoiceDirectLink(const VoiceDirectLink&) = delete;
  VoiceDirectLink& operator=(const VoiceDirectLink&) = delete;

  bool connected() const;
  // The link's UDP socket while connected, else -1 (owned by the link).
  int socket_fd() const;
  const std::string& agent() const { return agent_; }  // as the SFU welcomed us
  // Sends one media packet ([u32 BE track][Opus][\n]) unreliably, flushed at
  // once. False when disconnected or ENet refuses it.
  bool send_media(std::span<const uint8_t> packet);
  struct Received {
    std::string packet;
    double arrival;  // kernel arrival, mono seconds; negative when unknown
  };
  // Handles what arrived (no waiting past timeout_ms) and appends the media
  // packets to `out`. Returns false once the connection is gone.
  bool service(int timeout_ms, std::vector<Received>& out);
  // The same without arrival times (the form before they existed).
  bool service(int timeout_ms, std::vector<std::string>& out);
  // Graceful goodbye, waiting at most timeout_seconds.
  void close(double timeout_seconds);

 private:
  VoiceDirectLink(std::unique_ptr<EnetConnection> connection, std::string agent);
  std::unique_ptr<EnetConnection> connection_;
  std::string agent_;
};

}  // namespace allo::client
