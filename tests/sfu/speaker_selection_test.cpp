#include "sfu/speaker_selection.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "opus_test_signal.hpp"
#include "sfu/opus_level_meter.hpp"
#include "sfu/speaker_levels.hpp"

namespace allo::sfu {
namespace {

std::vector<uint32_t> sorted(std::vector<uint32_t> v) {
  std::sort(v.begin(), v.end());
  return v;
}

TEST(SpeakerSelection, FillsFreeSlotsWithTheLoudestAtOnce) {
  SpeakerSelection selection({.max_speakers = 2, .margin_db = 6, .hold_seconds = 0.25});
  std::vector<SpeakerCandidate> c = {{1, -40}, {2, -10}, {3, -20}};
  EXPECT_TRUE(selection.update(c, 0));
  EXPECT_EQ(sorted(selection.selected()), (std::vector<uint32_t>{2, 3}));
}

TEST(SpeakerSelection, ZeroMeansEverySpeaker) {
  SpeakerSelection selection({.max_speakers = 0});
  std::vector<SpeakerCandidate> c = {{1, -40}, {2, -10}, {3, -127}};
  selection.update(c, 0);
  EXPECT_EQ(sorted(selection.selected()), (std::vector<uint32_t>{1, 2, 3}));
}

TEST(SpeakerSelection, HysteresisNeedsMarginAndHoldTime) {
  SpeakerSelection selection({.max_speakers = 1, .margin_db = 6, .hold_seconds = 0.25});
  std::vector<SpeakerCandidate> c = {{1, -20}, {2, -40}};
  selection.update(c, 0);
  ASSERT_EQ(selection.selected(), std::vector<uint32_t>{1});
  // Louder, but within the margin: never replaces.
  c = {{1, -20}, {2, -15}};
  for (double t = 0.02; t < 1; t += 0.02) EXPECT_FALSE(selection.update(c, t));
  EXPECT_EQ(selection.selected(), std::vector<uint32_t>{1});
  // Beyond the margin: replaces only after the hold time.
  c = {{1, -20}, {2, -10}};
  EXPECT_FALSE(selection.update(c, 1.0));
  EXPECT_FALSE(selection.update(c, 1.2));
  EXPECT_TRUE(selection.update(c, 1.26));
  EXPECT_EQ(selection.selected(), std::vector<uint32_t>{2});
}

TEST(SpeakerSelection, AnInterruptedChallengeStartsOver) {
  SpeakerSelection selection({.max_speakers = 1, .margin_db = 6, .hold_seconds = 0.25});
  std::vector<SpeakerCandidate> loud = {{1, -20}, {2, -5}};
  std::vector<SpeakerCandidate> quiet = {{1, -20}, {2, -30}};
  selection.update(std::vector<SpeakerCandidate>{{1, -20}}, 0);
  selection.update(loud, 0.0);
  selection.update(loud, 0.2);
  selection.update(quiet, 0.22);  // dip: challenge reset
  EXPECT_FALSE(selection.update(loud, 0.3));
  EXPECT_FALSE(selection.update(loud, 0.5));
  EXPECT_TRUE(selection.update(loud, 0.56));
}

TEST(SpeakerSelection, DepartedCandidatesLeave) {
  SpeakerSelection selection({.max_speakers = 2});
  selection.update(std::vector<SpeakerCandidate>{{1, -10}, {2, -10}, {3, -50}}, 0);
  EXPECT_TRUE(selection.update(std::vector<SpeakerCandidate>{{2, -10}, {3, -50}}, 0.1));
  EXPECT_EQ(sorted(selection.selected()), (std::vector<uint32_t>{2, 3}));
}

// Ten speakers send real Opus sine tones at different amplitudes; the levels
// come from decoding them. The listener must end up with the four loudest,
// and when the quiet half becomes loud it must switch to them (after the hold
// time) without flickering meanwhile.
TEST(SpeakerSelection, ChoosesTheLoudestFromGeneratedAudio) {
  constexpr int kSpeakers = 10;
  constexpr int kFrames = 100;  // 2 s of 20 ms frames
  std::vector<std::vector<std::vector<uint8_t>>> quiet_phase, loud_phase;
  for (int s = 0; s < kSpeakers; ++s) {
    const float amplitude = 0.02f * static_cast<float>(s + 1) * static_cast<float>(s + 1) / 2;
    quiet_phase.push_back(
        test::encode_sine(amplitude, 200.0f + 50.0f * static_cast<float>(s), kFrames));
    const float swapped =
        0.02f * static_cast<float>(kSpeakers - s) * static_cast<float>(kSpeakers - s) / 2;
    loud_phase.push_back(
        test::encode_sine(swapped, 200.0f + 50.0f * static_cast<float>(s), kFrames));
  }
  OpusLevelMeter meter;
  SpeakerLevels levels;
  SpeakerSelection selection({.max_speakers = 4, .margin_db = 6, .hold_seconds = 0.25});
  int changes = 0;
  auto play = [&](const auto& phase, double start) {
    for (int f = 0; f < kFrames; ++f) {
      const double now = start + 0.02 * f;
      std::vector<SpeakerCandidate> candidates;
      for (int s = 0; s < kSpeakers; ++s) {
        auto level = meter.measure(static_cast<uint32_t>(s),
                                   phase[static_cast<size_t>(s)][static_cast<size_t>(f)]);
        ASSERT_TRUE(level);
        levels.update(static_cast<uint32_t>(s), *level, now);
        candidates.push_back(
            {static_cast<uint32_t>(s), levels.level(static_cast<uint32_t>(s), now)});
      }
      if (selection.update(candidates, now)) ++changes;
    }
  };
  play(quiet_phase, 0);
  EXPECT_EQ(sorted(selection.selected()), (std::vector<uint32_t>{6, 7, 8, 9}));
  play(loud_phase, 2.0);
  EXPECT_EQ(sorted(selection.selected()), (std::vector<uint32_t>{0, 1, 2, 3}));
  // One initial fill, at most one swap per hold time afterwards (4 swaps needed).
  EXPECT_LE(changes, 1 + 4);
}

TEST(SpeakerSelection, CandidatesInAnyOrderGiveTheSameSelection) {
  std::vector<SpeakerCandidate> by_track, reversed;
  for (uint32_t t = 1; t <= 12; ++t) by_track.push_back({t, -40.0f + static_cast<float>(t % 5)});
  reversed.assign(by_track.rbegin(), by_track.rend());
  SpeakerSelection a({.max_speakers = 4}), b({.max_speakers = 4});
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(a.update(by_track, round * 0.02), b.update(reversed, round * 0.02));
    EXPECT_EQ(a.selected(), b.selected());
  }
  // Ties on level go to the lower track id: 4, 9 (-36) then 3, 8 (-37).
  EXPECT_EQ(a.selected(), (std::vector<uint32_t>{3, 4, 8, 9}));
}

TEST(SpeakerSelection, EveryoneOfHundredsOfSpeakersWithoutALimit) {
  SpeakerSelection selection({.max_speakers = 0});
  std::vector<SpeakerCandidate> candidates;
  for (uint32_t t = 0; t < 400; ++t) candidates.push_back({t, -30});
  EXPECT_TRUE(selection.update(candidates, 0));
  EXPECT_EQ(selection.selected().size(), 400u);
  EXPECT_FALSE(selection.update(candidates, 0.02)) << "nothing changed";
  candidates.erase(candidates.begin() + 17);  // track 17 went away
  candidates.push_back({1000, -50});          // a new one came
  EXPECT_TRUE(selection.update(candidates, 0.04));
  EXPECT_EQ(selection.selected().size(), 400u);
  EXPECT_FALSE(selection.contains(17));
  EXPECT_TRUE(selection.contains(1000));
}

}  // namespace
}  // namespace allo::sfu
