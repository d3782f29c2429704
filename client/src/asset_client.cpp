#include "allo/asset_client.hpp"

#include "common/log.hpp"

namespace allo::client {

AssetClient::AssetClient(Client& client)
    : client_(client),
      publisher_([&client](std::span<const uint8_t> frame) {
        return client.send_asset_frame(frame).has_value();
      }),
      requester_([&client](std::span<const uint8_t> frame) {
        return client.send_asset_frame(frame).has_value();
      }) {
  client_.on_asset_packet([this](std::string_view data) {
    on_packet({reinterpret_cast<const uint8_t*>(data.data()), data.size()});
  });
  client_.on_assets_closed(
      [this] { requester_.fail_all("disconnected", "the connection to the place closed"); });
}

AssetClient::~AssetClient() {
  client_.on_asset_packet(nullptr);
  client_.on_assets_closed(nullptr);
}

void AssetClient::on_packet(std::span<const uint8_t> packet) {
  ++stats_.frames_received;
  auto frame = proto::parse_asset_frame(packet);
  if (!frame) {
    ++stats_.malformed_frames;
    log::debug("asset frame dropped: {}", frame.error().detail);
    return;
  }
  switch (frame->mid) {
    case proto::AssetMid::kRequest: {
      auto request = proto::parse_asset_request(*frame);
      if (!request) break;
      return publisher_.on_request(*request);
    }
    case proto::AssetMid::kData: {
      auto data = proto::parse_asset_data(*frame);
      if (!data) break;
      if (!requester_.on_data(*data)) ++stats_.unexpected_frames;
      return;
    }
    case proto::AssetMid::kFailure: {
      auto failure = proto::parse_asset_failure(*frame);
      if (!failure) break;
      if (!requester_.on_failure(*failure)) {
        // E.g. the place refusing a push of ours (hash_mismatch, store_full).
        ++stats_.unexpected_frames;
        log::info("asset {}: {} ({})", failure->id, failure->error_code, failure->error_reason);
      }
      return;
    }
  }
  ++stats_.malformed_frames;
}

}  // namespace allo::client
