#include "loadgen_run.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <thread>

#include "common/log.hpp"
#include "common/mono_clock.hpp"

namespace allo::loadgen {
namespace {

constexpr double kFrameSeconds = 0.02;
constexpr double kDrainSeconds = 0.5;
constexpr auto kIdleNap = std::chrono::microseconds(200);
// Most voice tracks the place may hand out that we index directly.
constexpr uint32_t kMaxTrackId = 1u << 20;

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

proto::Error setup_failed(std::string detail) {
  return proto::Error{"setup_failed", std::move(detail)};
}

}  // namespace

LoadgenRun::LoadgenRun(LoadgenOptions options) : options_(std::move(options)) {}
LoadgenRun::~LoadgenRun() {
  sessions_.clear();
  for (auto& c : clients_) c->disconnect(0.05);
}

proto::Result<LoadgenReport> LoadgenRun::run() {
  const uint32_t total_frames = static_cast<uint32_t>(
      std::ceil((options_.warmup_seconds + options_.seconds) / kFrameSeconds));
  window_first_ = static_cast<uint32_t>(std::floor(options_.warmup_seconds / kFrameSeconds));
  window_end_ = total_frames;
  auto frames = SentFrames::encode(options_.speakers, total_frames);
  if (!frames) return std::unexpected(frames.error());
  frames_ = std::make_unique<SentFrames>(std::move(*frames));
  if (auto joined = join_all(); !joined) return std::unexpected(joined.error());
  if (auto voice = start_voice(); !voice) return std::unexpected(voice.error());
  latency_ms_.reserve(1 << 20);
  const double cpu_before = cpu_seconds();
  send_loop();
  return report(cpu_seconds() - cpu_before);
}

proto::Result<void> LoadgenRun::join_all() {
  const double deadline = mono_seconds() + options_.setup_timeout_seconds;
  uint32_t announced = 0;
  for (uint32_t i = 0; i < options_.clients; ++i) {
    // Setup replies queue behind every blocking direct-path connect before
    // them, so requests may wait as long as the whole setup.
    client::ClientOptions client_options;
    client_options.request_timeout_seconds = options_.setup_timeout_seconds;
    // Acks the newest state revision like a visor, without copying the
    // world per state packet (N clients in one process would cost O(N^2)).
    client_options.mirror_state = false;
    clients_.push_back(std::make_unique<client::Client>(client_options));
    auto& c = *clients_.back();
    if (auto ok = c.connect(options_.place_url, 5); !ok) {
      return std::unexpected(setup_failed(fmt::format("client {}: {}", i, ok.error().detail)));
    }
    auto sent = c.announce({{"display_name", fmt::format("loadgen-{}", i)}},
                           {{"geometry", {{"type", "hardcoded-model"}, {"name", "head"}}}},
                           [&announced, i](const client::AnnounceResult& r) {
                             if (r.ok)
                               ++announced;
                             else
                               log::warn("client {}: announce failed: {}", i, r.error.code);
                           });
    if (!sent) return std::unexpected(setup_failed(sent.error().detail));
    // A visor moves its head: a pose and a slow turn, sent with every ack.
    proto::Intent intent;
    intent.yaw = 0.01 * i;
    intent.poses["head"].matrix = proto::kIdentityMatrix;
    c.set_intent(intent);
    poll_all();
  }
  while (announced < options_.clients && mono_seconds() < deadline) idle_poll();
  if (announced < options_.clients) {
    return std::unexpected(
        setup_failed(fmt::format("{} of {} clients announced", announced, options_.clients)));
  }
  return {};
}

proto::Result<void> LoadgenRun::start_voice() {
  const double deadline = mono_seconds() + options_.setup_timeout_seconds;
  uint32_t tracks = 0, paths = 0, failures = 0;
  std::map<std::string, uint32_t> fallbacks;  // why the direct path was not used
  speaker_of_track_.assign(1, 0);
  for (uint32_t i = 0; i < options_.clients; ++i) {
    client::VoiceOptions voice;
    voice.prefer_direct = options_.direct;
    sessions_.push_back(std::make_unique<client::VoiceSession>(*clients_[i], voice));
    auto& session = *sessions_.back();
    session.on_opus(
        [this](uint32_t track, std::span<const uint8_t> opus) { on_received(track, opus); });
    if (i < options_.speakers) {
      auto sent = session.allocate_track([&, i](const proto::Result<uint32_t>& track) {
        if (!track || *track >= kMaxTrackId) {
          ++failures;
          return;
        }
        if (speaker_of_track_.size() <= *track) speaker_of_track_.resize(*track + 1, 0);
        speaker_of_track_[*track] = i + 1;
        ++tracks;
      });
      if (!sent) return std::unexpected(setup_failed(sent.error().detail));
    }
    auto sent = session.connect_media([&](client::VoicePath path, const proto::Error& why) {
      ++paths;
      if (options_.direct && path != client::VoicePath::kDirect) ++fallbacks[why.code];
    });
    if (!sent) return std::unexpected(setup_failed(sent.error().detail));
    poll_all();
  }
  while ((tracks + failures < options_.speakers || paths < options_.clients) &&
         mono_seconds() < deadline) {
    idle_poll();
  }
  for (const auto& [reason, count] : fallbacks) {
    log::warn("{} clients on the compatible path instead of the direct one: {}", count, reason);
  }
  if (tracks < options_.speakers || paths < options_.clients) {
    return std::unexpected(
        setup_failed(fmt::format("{} of {} tracks allocated, {} of {} media paths ready", tracks,
                                 options_.speakers, paths, options_.clients)));
  }
  return {};
}

int LoadgenRun::poll_all() {
  int handled = 0;
  const uint64_t media_before = media_received_;
  for (size_t i = 0; i < clients_.size(); ++i) {
    handled += std::max(0, clients_[i]->poll(0));
    if (i < sessions_.size()) sessions_[i]->poll(0);
  }
  return handled + static_cast<int>(media_received_ - media_before);
}

void LoadgenRun::idle_poll() {
  // Idle sweeps nap briefly so the loadgen leaves the cores to the daemons
  // it measures (a nap bounds the extra latency it adds to kIdleNap).
  if (poll_all() == 0) std::this_thread::sleep_for(kIdleNap);
}

void LoadgenRun::send_loop() {
  const uint32_t speakers = options_.speakers;
  std::vector<uint32_t> next_frame(speakers, 0);
  const double start = mono_seconds();
  const double end = start + window_end_ * kFrameSeconds;
  while (true) {
    const double now = mono_seconds();
    if (now >= end + kDrainSeconds) break;
    for (uint32_t s = 0; s < speakers; ++s) {
      const double offset = kFrameSeconds * s / std::max(1u, speakers);
      while (next_frame[s] < window_end_ && start + offset + next_frame[s] * kFrameSeconds <= now) {
        const uint32_t f = next_frame[s]++;
        frames_->mark_sent(s, f, mono_seconds());
        if (sessions_[s]->send_opus(frames_->opus(s, f)) && f >= window_first_) ++sent_in_window_;
      }
    }
    idle_poll();
  }
}

void LoadgenRun::on_received(uint32_t track, std::span<const uint8_t> payload) {
  const double now = mono_seconds();
  ++media_received_;
  const uint32_t speaker_plus_one = track < speaker_of_track_.size() ? speaker_of_track_[track] : 0;
  if (speaker_plus_one == 0) {
    ++unknown_;
    return;
  }
  const uint32_t speaker = speaker_plus_one - 1;
  auto frame = frames_->find(speaker, payload);
  if (!frame) {
    ++unknown_;
    return;
  }
  if (*frame < window_first_) return;
  ++delivered_;
  const double sent = frames_->sent_at(speaker, *frame);
  if (sent >= 0) latency_ms_.push_back(static_cast<float>((now - sent) * 1000));
  if (options_.decode_every > 0 && delivered_ % options_.decode_every == 0) {
    auto decoder = client::VoiceOpusDecoder::create();
    auto pcm = decoder ? decoder->decode(payload) : std::unexpected(decoder.error());
    if (pcm && pcm->size() == client::kVoiceFrameSamples)
      ++decoded_;
    else
      ++decode_failures_;
  }
}

LoadgenReport LoadgenRun::report(double cpu) {
  LoadgenReport r;
  r.clients = options_.clients;
  r.speakers = options_.speakers;
  r.selected = options_.selected;
  r.seconds = (window_end_ - window_first_) * kFrameSeconds;
  r.packets_sent = sent_in_window_;
  // Every listener hears min(selected, its candidates) speakers at any time
  // (a speaker is not its own candidate); all speakers send at the same rate.
  uint64_t streams = 0;
  for (uint32_t l = 0; l < options_.clients; ++l) {
    const uint32_t candidates = options_.speakers - (l < options_.speakers ? 1 : 0);
    streams += options_.selected == 0 ? candidates : std::min(options_.selected, candidates);
  }
  r.expected = options_.speakers == 0 ? 0 : sent_in_window_ * streams / options_.speakers;
  r.delivered = delivered_;
  r.unknown = unknown_;
  r.decoded = decoded_;
  r.decode_failures = decode_failures_;
  for (size_t i = 0; i < clients_.size(); ++i) {
    r.intents_sent += clients_[i]->stats().intents_sent;
    r.state_packets += clients_[i]->stats().state_packets_received;
    if (sessions_[i]->path() == client::VoicePath::kDirect) ++r.direct_clients;
  }
  r.loadgen_cpu_seconds = cpu;
  r.latency = summarize_latency(latency_ms_);
  return r;
}

}  // namespace allo::loadgen
