#include "allo/voice_session.hpp"

#include "common/audio_level.hpp"
#include "common/log.hpp"
#include "proto/media_packet.hpp"

namespace allo::client {

const char* to_string(VoicePath path) {
  switch (path) {
    case VoicePath::kDirect:
      return "direct";
    case VoicePath::kCompatible:
      return "compatible";
    default:
      return "none";
  }
}

VoiceSession::VoiceSession(Client& client, VoiceOptions options)
    : client_(client), options_(std::move(options)) {
  client_.on_media_packet(
      [this](std::string_view packet) { handle_media(packet, client_.media_arrival()); });
}

VoiceSession::~VoiceSession() {
  client_.on_media_packet(nullptr);
}

proto::Result<void> VoiceSession::allocate_track(TrackCallback callback) {
  auto sent = client_.request("place", allocate_track_body(),
                              [this, callback = std::move(callback)](const json& reply) {
                                auto track = parse_allocate_track_reply(reply);
                                if (track) track_ = *track;
                                if (callback) callback(track);
                              });
  if (!sent) return std::unexpected(sent.error());
  return {};
}

proto::Result<void> VoiceSession::connect_media(PathCallback callback) {
  on_path_ = std::move(callback);
  if (!options_.prefer_direct) {
    use_compatible({"direct_disabled", "VoiceOptions::prefer_direct is false"});
    return {};
  }
  auto sent = client_.request("place", media_token_body(), [this](const json& reply) {
    open_direct(parse_media_token_reply(reply));
  });
  if (!sent) return std::unexpected(sent.error());
  return {};
}

void VoiceSession::open_direct(const proto::Result<MediaToken>& token) {
  if (!token) return use_compatible(token.error());
  auto link = VoiceDirectLink::open(token->endpoint, token->token, options_.direct_timeout_seconds);
  if (!link) return use_compatible(link.error());
  direct_ = std::move(*link);
  path_ = VoicePath::kDirect;
  fallback_reason_.clear();
  if (on_path_) on_path_(path_, {});
}

void VoiceSession::use_compatible(const proto::Error& why) {
  log::info("voice: compatible path ({}: {})", why.code, why.detail);
  direct_.reset();
  path_ = VoicePath::kCompatible;
  fallback_reason_ = why.code;
  ++stats_.direct_fallbacks;
  if (on_path_) on_path_(path_, why);
}

proto::Result<void> VoiceSession::send_pcm(std::span<const int16_t> frame) {
  if (!encoder_) {
    auto encoder = VoiceOpusEncoder::create(options_.encoder);
    if (!encoder) return std::unexpected(encoder.error());
    encoder_ = std::make_unique<VoiceOpusEncoder>(std::move(*encoder));
  }
  auto opus = encoder_->encode(frame);
  if (!opus) return std::unexpected(opus.error());
  return send_opus(*opus, rms_dbfs(frame));
}

proto::Result<void> VoiceSession::send_opus(std::span<const uint8_t> opus,
                                            std::optional<float> level_dbfs) {
  if (track_ == 0 || path_ == VoicePath::kNone) {
    return proto::fail("not_ready", "allocate a track and connect media first");
  }
  // The level rides only to allo-sfu's direct path (which puts '\n' back);
  // to the place the packet is the seed protocol's to the letter.
  const bool level = level_dbfs && path_ == VoicePath::kDirect;
  const auto packet = proto::encode_media_packet(
      track_, opus, level ? proto::level_trailer(*level_dbfs) : proto::kMediaTrailer);
  if (path_ == VoicePath::kDirect) {
    if (!direct_->send_media(packet)) return proto::fail("send_failed", "direct link refused");
  } else {
    auto sent = client_.send_media_packet(packet);
    if (!sent) return sent;
  }
  ++stats_.packets_sent;
  return {};
}

int VoiceSession::direct_socket_fd() const {
  return direct_ ? direct_->socket_fd() : -1;
}

void VoiceSession::poll(int timeout_ms) {
  if (!direct_) return;
  inbox_.clear();
  const bool alive = direct_->service(timeout_ms, inbox_);
  for (const auto& received : inbox_) handle_media(received.packet, received.arrival);
  if (!alive && direct_) use_compatible({"direct_closed", "the SFU closed the direct link"});
}

void VoiceSession::handle_media(std::string_view bytes, double arrival) {
  last_arrival_ = arrival;
  auto packet =
      proto::parse_media_packet({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
  if (!packet) {
    ++stats_.malformed_packets;
    return;
  }
  if (packet->track_id == track_) return;  // our own voice, never played back
  ++stats_.packets_received;
  if (on_opus_) on_opus_(packet->track_id, packet->payload);
  if (!on_audio_) return;
  auto decoder = decoders_.find(packet->track_id);
  if (decoder == decoders_.end()) {
    if (decoders_.size() >= options_.max_decoders) return;
    auto created = VoiceOpusDecoder::create();
    if (!created) return;
    decoder = decoders_.emplace(packet->track_id, std::move(*created)).first;
  }
  auto pcm = decoder->second.decode(packet->payload);
  if (!pcm) {
    ++stats_.decode_errors;
    return;
  }
  ++stats_.frames_decoded;
  on_audio_(packet->track_id, *pcm);
}

}  // namespace allo::client
