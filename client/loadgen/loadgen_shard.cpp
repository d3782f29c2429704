#include "loadgen_shard.hpp"

#include <sys/resource.h>
#include <thread>

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "allo/voice_opus_decoder.hpp"
#include "common/log.hpp"
#include "common/mono_clock.hpp"
#include "media_drop_filter.hpp"
#include "proto/limits.hpp"

namespace allo::loadgen {
namespace {

constexpr double kDrainSeconds = 0.5;
// --listeners sink: how often every connection is polled at most: only to
// answer pings, acknowledge and send intents (the voice is dropped by the
// kernel), well inside ENet's 5 s minimum peer timeout. Polled at
// --intent-hz when that is faster (a Client sends one intent per poll).
// Speakers send without a poll.
constexpr double kSinkPollSeconds = 0.1;
// --listeners sink: speakers' frames go out in bursts this far apart instead
// of each at its own time; waking for every frame (speakers x 50 times a
// second) preempted the SFU that the run saturates.
constexpr double kSinkSendQuantumSeconds = 0.002;
// Setup waits: at most this long per loop turn before re-checking progress.
constexpr double kSetupTurnSeconds = 0.01;
// From the settle phase on, a loop turn spends at most this long on readable clients
// (state) before it looks at the voice sessions again (FleetPoller).
constexpr double kClientBudgetSeconds = 0.00025;
// Setup is over when no client got a full state set, and no loop turn was
// busier than kCalmTurnSeconds, for kCalmSeconds (settle()).
constexpr double kCalmSeconds = 1.0;
constexpr double kCalmTurnSeconds = 0.05;
// Measure anyway after this long (a place that keeps sending full sets).
constexpr double kMaxSettleSeconds = 10;
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

void TrackDirectory::add(uint32_t track, uint32_t speaker) {
  std::lock_guard lock(mutex_);
  if (speaker_of_track_.size() <= track) speaker_of_track_.resize(track + 1, 0);
  speaker_of_track_[track] = speaker + 1;
}

std::vector<uint32_t> TrackDirectory::snapshot() const {
  std::lock_guard lock(mutex_);
  return speaker_of_track_;
}

ShardShared::ShardShared(const LoadgenOptions& o, SentFrames& f, uint32_t shard_count,
                         uint32_t first, uint32_t end)
    : options(o),
      frames(f),
      shards(shard_count),
      window_first(first),
      window_end(end),
      calm_since(std::make_unique<std::atomic<double>[]>(shard_count)),
      joined(shard_count, abort),
      voiced(shard_count, abort),
      settled(shard_count, abort, [this] { window_cpu_before = cpu_seconds(); }),
      sent(shard_count, abort, [this] { window_cpu_after = cpu_seconds(); }) {
  for (uint32_t k = 0; k < shard_count; ++k)
    calm_since[k].store(std::numeric_limits<double>::infinity(), std::memory_order_relaxed);
}

LoadgenShard::LoadgenShard(ShardShared& shared, uint32_t index)
    : shared_(shared), options_(shared.options), index_(index) {
  for (uint32_t i = index; i < options_.clients; i += shared.shards) client_ids_.push_back(i);
}

LoadgenShard::~LoadgenShard() {
  close();
}

void LoadgenShard::close() {
  sessions_.clear();
  for (auto& c : clients_) c->disconnect(0.05);
  clients_.clear();
}

proto::Result<void> LoadgenShard::run() {
  auto ok = run_phases();
  if (!ok) shared_.abort.abort();
  return ok;
}

proto::Result<void> LoadgenShard::run_phases() {
  auto poller = FleetPoller::create(clients_, sessions_);
  if (!poller) return std::unexpected(poller.error());
  poller_ = std::move(*poller);
  // Waiting at a gate, up to as long as the slowest shard's phase may take:
  // each phase starts within a turn of the previous gate's opening.
  auto meet = [this](PhaseGate& gate, double phase_seconds) {
    return gate.arrive([this](double until) { return serve(until); }, kSetupTurnSeconds,
                       mono_seconds() + phase_seconds + 1);
  };
  if (auto ok = join_all(); !ok) return ok;
  if (auto open = meet(shared_.joined, options_.setup_timeout_seconds); !open)
    return std::unexpected(open.error());
  if (auto ok = start_voice(); !ok) return ok;
  if (auto open = meet(shared_.voiced, options_.setup_timeout_seconds); !open)
    return std::unexpected(open.error());
  // Every shard's allocations are answered, and no voice is sent before the
  // `settled` gate: the copy is complete before the first packet arrives.
  speaker_of_track_ = shared_.tracks.snapshot();
  if (auto ok = settle(); !ok) return ok;
  auto opened = meet(shared_.settled, kMaxSettleSeconds);
  if (!opened) return std::unexpected(opened.error());
  tally_.latency_ms.reserve(1 << 19);
  tally_.arrival_latency_ms.reserve(1 << 19);
  send_start_ = *opened;
  if (auto sent = send_loop(); !sent) return sent;
  // The CPU clock stops when every shard has sent (and received) its last;
  // only then does decoding start.
  if (auto done = meet(shared_.sent, kDrainSeconds); !done) return std::unexpected(done.error());
  decode_samples();
  return {};
}

proto::Result<void> LoadgenShard::serve(double until) {
  if (shared_.abort.aborted()) return std::unexpected(RunAbort::error());
  return poller_->serve(until);
}

bool LoadgenShard::all_calm(double now) const {
  for (uint32_t k = 0; k < shared_.shards; ++k) {
    if (now - shared_.calm_since[k].load(std::memory_order_relaxed) < kCalmSeconds) return false;
  }
  return true;
}

proto::Result<void> LoadgenShard::join_all() {
  const double deadline = mono_seconds() + options_.setup_timeout_seconds;
  for (const uint32_t i : client_ids_) {
    if (shared_.abort.aborted()) return std::unexpected(RunAbort::error());
    if (mono_seconds() >= deadline) {
      return std::unexpected(
          setup_failed(fmt::format("thread {}: {} of {} clients connected in time", index_,
                                   clients_.size(), client_ids_.size())));
    }
    // Setup replies queue behind every blocking direct-path connect before
    // them, so requests may wait as long as the whole setup.
    client::ClientOptions client_options;
    client_options.request_timeout_seconds = options_.setup_timeout_seconds;
    // Acks the newest state revision like a visor, without copying the
    // world per state packet (N clients in one process would cost O(N^2)).
    client_options.mirror_state = false;
    client_options.intent_rate_hz = options_.intent_hz;
    clients_.push_back(std::make_unique<client::Client>(client_options));
    auto& c = *clients_.back();
    if (auto ok = c.connect(options_.place_url, 5); !ok) {
      return std::unexpected(setup_failed(fmt::format("client {}: {}", i, ok.error().detail)));
    }
    if (auto ok = poller_->watch_client(clients_.size() - 1); !ok) return ok;
    auto sent = c.announce({{"display_name", fmt::format("loadgen-{}", i)}},
                           {{"geometry", {{"type", "hardcoded-model"}, {"name", "head"}}}},
                           [this, i](const client::AnnounceResult& r) {
                             if (r.ok)
                               ++announced_;
                             else
                               log::warn("client {}: announce failed: {}", i, r.error.code);
                           });
    if (!sent) return std::unexpected(setup_failed(sent.error().detail));
    // A visor moves its head: a pose and a slow turn, sent with every ack.
    proto::Intent intent;
    intent.yaw = 0.01 * i;
    intent.poses["head"].matrix = proto::kIdentityMatrix;
    c.set_intent(intent);
    // Poll every client joined so far before the next (blocking) connect:
    // readiness alone is not enough here, because the place sends joiners
    // full state sets while this thread sits in connect(), and a client left
    // for its rota turn can fall behind far enough to be dropped (seen at
    // 1000 clients).
    for (auto& joined : clients_) joined->poll(0);
    if (auto ok = serve(0); !ok) return ok;
  }
  while (announced_ < clients_.size() && mono_seconds() < deadline) {
    if (auto ok = serve(mono_seconds() + kSetupTurnSeconds); !ok) return ok;
  }
  if (announced_ < clients_.size()) {
    return std::unexpected(setup_failed(fmt::format("{} of {} clients of thread {} announced",
                                                    announced_, clients_.size(), index_)));
  }
  return {};
}

proto::Result<void> LoadgenShard::start_voice() {
  const double deadline = mono_seconds() + options_.setup_timeout_seconds;
  for (uint32_t local = 0; local < clients_.size(); ++local) {
    const uint32_t i = client_ids_[local];
    client::VoiceOptions voice;
    voice.prefer_direct = options_.direct;
    sessions_.push_back(std::make_unique<client::VoiceSession>(*clients_[local], voice));
    auto& session = *sessions_.back();
    session.on_opus([this, &session](uint32_t track, std::span<const uint8_t> opus) {
      on_received(track, opus, session.last_arrival());
    });
    if (i < options_.speakers) {
      speakers_.push_back(Speaker{local, i, 0});
      auto sent = session.allocate_track([this, i](const proto::Result<uint32_t>& track) {
        if (!track || *track >= kMaxTrackId) {
          ++track_failures_;
          return;
        }
        shared_.tracks.add(*track, i);
        ++tracks_ready_;
      });
      if (!sent) return std::unexpected(setup_failed(sent.error().detail));
    }
    // Also called when a direct link drops mid-run (the session falls back).
    auto sent = session.connect_media([this](client::VoicePath path, const proto::Error& why) {
      ++paths_ready_;
      if (options_.direct && path != client::VoicePath::kDirect) ++fallbacks_[why.code];
    });
    if (!sent) return std::unexpected(setup_failed(sent.error().detail));
    if (auto ok = serve(0); !ok) return ok;
  }
  while ((tracks_ready_ + track_failures_ < speakers_.size() || paths_ready_ < clients_.size()) &&
         mono_seconds() < deadline) {
    if (auto ok = serve(mono_seconds() + kSetupTurnSeconds); !ok) return ok;
  }
  for (const auto& [reason, count] : fallbacks_) {
    log::warn("thread {}: {} clients on the compatible path instead of the direct one: {}", index_,
              count, reason);
  }
  if (tracks_ready_ < speakers_.size() || paths_ready_ < clients_.size()) {
    return std::unexpected(setup_failed(
        fmt::format("thread {}: {} of {} tracks allocated, {} of {} media paths ready", index_,
                    tracks_ready_, speakers_.size(), paths_ready_, clients_.size())));
  }
  return {};
}

proto::Result<void> LoadgenShard::settle() {
  // Joining N clients sends each of them the growing world many times over
  // (full sets of up to N entities); the loop works that off for a while
  // after the last join, polling and acking late. Measuring then would count
  // the backlog as voice latency, and ENet's packet throttle on the place's
  // side (it drops unreliable packets after late acks) as loss. Settled:
  // no client of any shard got a full set for kCalmSeconds (each shard
  // publishes since when its own clients have been calm).
  const double deadline =
      mono_seconds() + std::min(kMaxSettleSeconds, options_.setup_timeout_seconds);
  poller_->set_client_budget(kClientBudgetSeconds);
  auto full_sets = [this] {
    uint64_t sets = 0;
    for (const auto& c : clients_) sets += c->stats().sets_applied;
    return sets;
  };
  auto& calm_since = shared_.calm_since[index_];
  uint64_t sets = full_sets();
  calm_since.store(mono_seconds(), std::memory_order_relaxed);
  double next_check = mono_seconds();
  while (!all_calm(mono_seconds()) && mono_seconds() < deadline) {
    if (auto ok = serve(mono_seconds() + kSetupTurnSeconds); !ok) return ok;
    if (mono_seconds() < next_check) continue;
    next_check = mono_seconds() + kSetupTurnSeconds;
    const uint64_t now_sets = full_sets();
    if (now_sets != sets || poller_->last_turn_busy_seconds() > kCalmTurnSeconds) {
      calm_since.store(mono_seconds(), std::memory_order_relaxed);
    }
    sets = now_sets;
  }
  return {};
}

proto::Result<void> LoadgenShard::send_loop() {
  if (options_.sink) drop_heard_voice();
  const double stop = send_start_ + shared_.window_end * kFrameSeconds + kDrainSeconds;
  // The loop: send what is due, then serve input until the next frame is due.
  for (double now = mono_seconds(); now < stop; now = mono_seconds()) {
    const double next_send = send_due_frames(now);
    if (options_.sink) {
      if (shared_.abort.aborted()) return std::unexpected(RunAbort::error());
      serve_sink(std::min(std::max(next_send, now + kSinkSendQuantumSeconds), stop));
    } else if (auto ok = serve(std::min(next_send, stop)); !ok) {
      return ok;
    }
  }
  return {};
}

void LoadgenShard::drop_heard_voice() {
  // Reading the voice everyone hears took the loadgen most of a core beside
  // the SFU it saturates, so the kernel drops it; acks and pings still
  // arrive. Called before sending and after each poll: a direct link can
  // open late (its token reply came after setup), inside a poll.
  filtered_fds_.resize(sessions_.size(), -1);
  uint32_t refused = 0;
  for (size_t i = 0; i < sessions_.size(); ++i) {
    const int fd = sessions_[i]->direct_socket_fd();
    if (fd < 0 || fd == filtered_fds_[i]) continue;
    filtered_fds_[i] = fd;
    if (!attach_media_drop_filter(fd, limits::kChannelMedia)) ++refused;
  }
  if (refused > 0) {
    log::warn("the voice drop filter was refused on {} direct links; their voice is read", refused);
  }
}

void LoadgenShard::serve_sink(double until) {
  // Every connection stays up (acks, pings, intents) while no voice is read:
  // each is polled every kSinkPollSeconds (or at --intent-hz). Unserviced, the SFU timed the
  // listeners' direct links out after 5-10 s and moved them to the
  // compatible path, so the place relayed their voice and the run measured
  // something else. Called between bursts of due frames; the cadence
  // carries across calls.
  while (true) {
    const double now = mono_seconds();
    if (now >= next_sink_poll_) {
      next_sink_poll_ = now + std::min(kSinkPollSeconds, 1.0 / options_.intent_hz);
      for (uint32_t c = 0; c < clients_.size(); ++c) {
        clients_[c]->poll(0);
        sessions_[c]->poll(0);
      }
      drop_heard_voice();
    }
    const double left = std::min(until, next_sink_poll_) - mono_seconds();
    if (mono_seconds() >= until) return;
    if (left > 0) std::this_thread::sleep_for(std::chrono::duration<double>(left));  // pacing
  }
}

double LoadgenShard::send_due_frames(double now) {
  const uint32_t speakers = options_.speakers;
  double next = std::numeric_limits<double>::infinity();
  for (auto& s : speakers_) {
    const double offset = kFrameSeconds * s.speaker / std::max(1u, speakers);
    auto due_at = [&] { return send_start_ + offset + s.next_frame * kFrameSeconds; };
    while (s.next_frame < shared_.window_end && due_at() <= now) {
      const uint32_t f = s.next_frame++;
      shared_.frames.mark_sent(s.speaker, f, mono_seconds());
      // As send_pcm: the level goes out on the direct path only.
      if (sessions_[s.local]->send_opus(shared_.frames.opus(s.speaker, f),
                                        shared_.frames.level(s.speaker, f)) &&
          f >= shared_.window_first)
        ++tally_.sent_in_window;
    }
    if (s.next_frame < shared_.window_end) next = std::min(next, due_at());
  }
  return next;
}

void LoadgenShard::on_received(uint32_t track, std::span<const uint8_t> payload, double arrival) {
  const double now = mono_seconds();
  const uint32_t speaker_plus_one = track < speaker_of_track_.size() ? speaker_of_track_[track] : 0;
  if (speaker_plus_one == 0) {
    ++tally_.unknown;
    return;
  }
  const uint32_t speaker = speaker_plus_one - 1;
  auto frame = shared_.frames.find(speaker, payload);
  if (!frame) {
    ++tally_.unknown;
    return;
  }
  if (*frame < shared_.window_first) return;
  ++tally_.delivered;
  const double sent = shared_.frames.sent_at(speaker, *frame);
  if (sent >= 0) {
    tally_.latency_ms.push_back(static_cast<float>((now - sent) * 1000));
    if (arrival >= 0)
      tally_.arrival_latency_ms.push_back(static_cast<float>((arrival - sent) * 1000));
  }
  if (options_.decode_every > 0 && tally_.delivered % options_.decode_every == 0) {
    decode_samples_.emplace_back(payload.begin(), payload.end());
  }
}

void LoadgenShard::decode_samples() {
  // A fresh decoder per sample: each must decode on its own to 20 ms.
  for (const auto& payload : decode_samples_) {
    auto decoder = client::VoiceOpusDecoder::create();
    auto pcm = decoder ? decoder->decode(payload) : std::unexpected(decoder.error());
    if (pcm && pcm->size() == client::kVoiceFrameSamples)
      ++tally_.decoded;
    else
      ++tally_.decode_failures;
  }
  decode_samples_.clear();
}

ShardTally LoadgenShard::take_tally() {
  ShardTally t = std::move(tally_);
  tally_ = {};
  for (size_t i = 0; i < clients_.size(); ++i) {
    t.intents_sent += clients_[i]->stats().intents_sent;
    t.state_packets += clients_[i]->stats().state_packets_received;
    if (i < sessions_.size() && sessions_[i]->path() == client::VoicePath::kDirect)
      ++t.direct_clients;
  }
  return t;
}

}  // namespace allo::loadgen
