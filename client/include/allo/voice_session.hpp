// VoiceSession: voice for one Client. Allocates a track on the place, encodes
// PCM to Opus and sends it, and receives the other agents' tracks (raw Opus,
// or decoded by one decoder per track).
//
// Media path: the direct path to allo-sfu by default (a "media_token" request
// to the place, then a VoiceDirectLink); the compatible path (channel 3 of the
// place connection) when the token request or the direct connection fails,
// when the direct link later drops, or when VoiceOptions::prefer_direct is
// false. Packets arriving on either path are handled the same way.
//
// Threading: like Client, single-threaded and not thread-safe; callbacks run
// inside Client::poll() (compatible path, request replies) and poll() (direct
// path). connect_media() blocks up to direct_timeout_seconds inside a
// Client::poll() callback while it opens the direct connection.
// The session borrows the Client (it must outlive the session) and owns its
// codecs and direct link. Errors are values: "not_ready" (no track / no path
// yet), "not_connected", "send_failed", codec errors.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>

#include "allo/client.hpp"
#include "allo/voice_direct_link.hpp"
#include "allo/voice_opus_decoder.hpp"
#include "allo/voice_opus_encoder.hpp"
#include "allo/voice_place_replies.hpp"
#include "proto/error.hpp"

namespace allo::client {

enum class VoicePath { kNone, kDirect, kCompatible };
const char* to_string(VoicePath path);

struct VoiceOptions {
  bool prefer_direct = true;
  double direct_timeout_seconds = 2.0;
  VoiceEncoderOptions encoder;
  // Most per-track decoders kept (tracks beyond this are counted, not decoded).
  size_t max_decoders = 64;
};

struct VoiceStats {
  uint64_t packets_sent = 0;
  uint64_t packets_received = 0;  // media packets of other tracks, either path
  uint64_t malformed_packets = 0;
  uint64_t decode_errors = 0;
  uint64_t frames_decoded = 0;
  uint64_t direct_fallbacks = 0;  // times the compatible path was used instead
};

class VoiceSession {
 public:
  using TrackCallback = std::function<void(const proto::Result<uint32_t>&)>;
  using PathCallback = std::function<void(VoicePath path, const proto::Error& why_not_direct)>;
  using OpusHandler = std::function<void(uint32_t track, std::span<const uint8_t> opus)>;
  using AudioHandler = std::function<void(uint32_t track, std::span<const int16_t> pcm)>;

  explicit VoiceSession(Client& client, VoiceOptions options = {});
  ~VoiceSession();  // unhooks from the client, drops the direct link
  VoiceSession(const VoiceSession&) = delete;
  VoiceSession& operator=(const VoiceSession&) = delete;

  // ["allocate_track","audio",48000,1,"opus"] to the place; the callback gets
  // the track id or the place's error ("allocate_failed", "timeout", ...).
  proto::Result<void> allocate_track(TrackCallback callback);
  // Picks the media path (see above); the callback gets it and, for the
  // compatible path, why the direct one was not used.
  proto::Result<void> connect_media(PathCallback callback);

  uint32_t track() const { return track_; }
  VoicePath path() const { return path_; }
  const std::string& fallback_reason() const { return fallback_reason_; }

  // Encodes one 20 ms frame (960 samples) and sends it on our track. On the
  // direct path the frame's audio level (common/audio_level.hpp) rides in
  // the packet's trailer, so the SFU selects speakers without decoding ours.
  proto::Result<void> send_pcm(std::span<const int16_t> frame);
  // Sends one already-encoded Opus packet on our track, on the direct path
  // with its level in dBFS when the caller knows it (the SFU decodes the
  // packet when not).
  proto::Result<void> send_opus(std::span<const uint8_t> opus,
                                std::optional<float> level_dbfs = std::nullopt);

  // Every received packet of another track, before decoding.
  void on_opus(OpusHandler handler) { on_opus_ = std::move(handler); }
  // Inside the opus/audio handlers: when the packet being handled reached
  // this client's socket (mono seconds, the kernel's receive timestamp, on
  // either path), or a negative value when unknown. The difference to the
  // sender's send time is the one-way latency without this application's
  // own delay in reading.
  double last_arrival() const { return last_arrival_; }
  // Decoded audio of other tracks (one decoder per track, created on demand).
  void on_audio(AudioHandler handler) { on_audio_ = std::move(handler); }

  // Handles what arrived on the direct link (waits at most timeout_ms). Call
  // it alongside Client::poll(); a no-op on the compatible path.
  void poll(int timeout_ms = 0);
  // The direct link's OS socket, or -1 while there is no direct link (before
  // connect_media() picked it, on the compatible path, after a fallback). For
  // event loops: when it is readable, call poll(0); compatible-path media
  // arrives on Client::socket_fd() instead. It appears inside a
  // Client::poll() (the token reply opens the link) and may change or vanish
  // inside either poll(), so re-read it after polling. Owned by the session.
  // Like Client::poll(), keep calling poll() regularly even when nothing
  // arrives (ENet resends, acks and pings happen there).
  int direct_socket_fd() const;
  const VoiceStats& stats() const { return stats_; }

 private:
  void open_direct(const proto::Result<MediaToken>& token);
  void use_compatible(const proto::Error& why);
  void handle_media(std::string_view packet, double arrival);

  Client& client_;
  VoiceOptions options_;
  uint32_t track_ = 0;
  VoicePath path_ = VoicePath::kNone;
  std::string fallback_reason_;
  PathCallback on_path_;
  std::unique_ptr<VoiceDirectLink> direct_;
  std::unique_ptr<VoiceOpusEncoder> encoder_;
  std::unordered_map<uint32_t, VoiceOpusDecoder> decoders_;
  OpusHandler on_opus_;
  AudioHandler on_audio_;
  VoiceStats stats_;
  std::vector<VoiceDirectLink::Received> inbox_;
  double last_arrival_ = -1;
};

}  // namespace allo::client
