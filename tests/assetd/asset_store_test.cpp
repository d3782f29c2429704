#include "assetd/asset_store.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <future>
#include <mutex>
#include <utility>

#include "common/hash_verifier.hpp"
#include "tests/assetd/temp_dir.hpp"

namespace allo::assetd {
namespace {

constexpr uint32_t kChunk = 64 * 1024;

std::shared_ptr<const std::vector<uint8_t>> make_bytes(size_t n, uint8_t seed) {
  auto v = std::make_shared<std::vector<uint8_t>>(n);
  for (size_t i = 0; i < n; ++i) (*v)[i] = static_cast<uint8_t>(seed + i * 7 + (i >> 9));
  return v;
}

std::string id_of(const std::vector<uint8_t>& bytes) {
  return HashVerifier::asset_id_of(proto::HashAlgorithm::kSha256, bytes);
}

class AssetStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<AssetStore> open(uint64_t budget, uint64_t hard_limit) {
    StoreConfig config;
    config.dir = dir_.path();
    config.map_size = 64ull << 20;
    config.limits = {budget, hard_limit, kChunk};
    config.on_commit = [this](const CommitResult& r) {
      if (hold_) std::exchange(hold_, nullptr)();  // the first commit only
      std::lock_guard lock(mutex_);
      results_.push_back(r);
    };
    auto store = AssetStore::open(std::move(config));
    EXPECT_TRUE(store) << store.error().detail;
    return std::move(*store);
  }
  CommitOutcome last_outcome() {
    std::lock_guard lock(mutex_);
    return results_.empty() ? CommitOutcome::kError : results_.back().outcome;
  }

  testing::TempDir dir_;
  std::function<void()> hold_;  // runs on the writer thread in the first commit's callback
  std::mutex mutex_;
  std::vector<CommitResult> results_;
};

TEST_F(AssetStoreTest, StoresChunkedAndReadsRanges) {
  auto store = open(32 << 20, 48 << 20);
  auto bytes = make_bytes(200'000, 1);  // 4 chunks: 3 full, one of 3392 bytes
  std::string id = id_of(*bytes);
  EXPECT_FALSE(store->total_length(id));
  store->store(id, bytes);
  store->sync();
  EXPECT_EQ(last_outcome(), CommitOutcome::kStored);
  ASSERT_EQ(store->total_length(id), 200'000u);

  auto head = store->read(id, 0, 0);
  ASSERT_TRUE(head);
  EXPECT_TRUE(head->empty());
  // A range crossing the first chunk boundary.
  auto cross = store->read(id, kChunk - 10, 30);
  ASSERT_TRUE(cross);
  EXPECT_EQ(*cross,
            std::vector<uint8_t>(bytes->begin() + kChunk - 10, bytes->begin() + kChunk + 20));
  auto all = store->read(id, 0, 200'000);
  ASSERT_TRUE(all);
  EXPECT_EQ(*all, *bytes);
  auto tail = store->read(id, 199'999, 1);
  ASSERT_TRUE(tail);
  EXPECT_EQ(tail->at(0), bytes->back());

  auto past = store->read(id, 199'999, 2);
  ASSERT_FALSE(past);
  EXPECT_EQ(past.error().code, "range_out_of_bounds");
  auto missing = store->read(id_of(*make_bytes(10, 2)), 0, 1);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "not_found");

  StoreStats stats = store->stats();
  EXPECT_EQ(stats.entries, 1u);
  // 3 full chunks take 17 overflow pages of 4 KiB each.
  EXPECT_GE(stats.data_bytes, 200'000u);
}

TEST_F(AssetStoreTest, StoringTwiceKeepsOneCopy) {
  auto store = open(32 << 20, 48 << 20);
  auto bytes = make_bytes(1000, 3);
  store->store(id_of(*bytes), bytes);
  store->store(id_of(*bytes), bytes);
  store->sync();
  EXPECT_EQ(last_outcome(), CommitOutcome::kAlreadyStored);
  EXPECT_EQ(store->stats().entries, 1u);
}

TEST_F(AssetStoreTest, EvictsLeastRecentlyUsedToTheBudget) {
  const size_t size = 300'000;
  uint64_t asset_bytes = estimate_pages(size, kChunk, 4096) * 4096;
  // Room for three assets, not four.
  auto store = open(asset_bytes * 3 + 8 * 4096, 48 << 20);
  std::vector<std::string> ids;
  for (uint8_t seed = 0; seed < 3; ++seed) {
    auto bytes = make_bytes(size, seed);
    ids.push_back(id_of(*bytes));
    store->store(ids.back(), bytes);
  }
  store->sync();
  ASSERT_EQ(store->stats().entries, 3u);
  store->record_lookup(ids[0], true);  // the first becomes the youngest
  store->sync();
  EXPECT_EQ(store->ids_by_age(), (std::vector<std::string>{ids[1], ids[2], ids[0]}));

  auto fourth = make_bytes(size, 9);
  store->store(id_of(*fourth), fourth);
  store->sync();
  EXPECT_EQ(last_outcome(), CommitOutcome::kStored);
  EXPECT_EQ(store->ids_by_age(), (std::vector<std::string>{ids[2], ids[0], id_of(*fourth)}));
  EXPECT_FALSE(store->total_length(ids[1]));
  StoreStats stats = store->stats();
  EXPECT_EQ(stats.evictions, 1u);
  EXPECT_LE(stats.data_bytes, stats.budget_bytes);
}

TEST_F(AssetStoreTest, RepeatedTouchesAreCoalescedAtEachAssetsLatestTouch) {
  auto store = open(16 << 20, 48 << 20);
  std::vector<std::string> ids;
  for (uint8_t seed = 0; seed < 3; ++seed) {
    auto bytes = make_bytes(1000, seed);
    ids.push_back(id_of(*bytes));
    store->store(ids.back(), bytes);
  }
  store->sync();
  // Latest touches: 0 at step 2, 2 at step 3, 1 at the end (after 1000 more).
  for (int i : {0, 1, 0, 2}) store->record_lookup(ids[i], true);
  for (int n = 0; n < 1000; ++n) store->record_lookup(ids[1], true);
  store->sync();
  EXPECT_EQ(store->ids_by_age(), (std::vector<std::string>{ids[0], ids[2], ids[1]}));
  EXPECT_EQ(store->stats().hits, 1004u);
  // 1004 hits, three assets: three LRU records rewritten, not 1004.
  EXPECT_EQ(store->stats().lru_updates, 3u);
}

TEST_F(AssetStoreTest, PinnedAssetsAreNotEvicted) {
  const size_t size = 300'000;
  uint64_t asset_bytes = estimate_pages(size, kChunk, 4096) * 4096;
  auto store = open(asset_bytes * 2 + 8 * 4096, 48 << 20);
  auto a = make_bytes(size, 1), b = make_bytes(size, 2), c = make_bytes(size, 3);
  store->store(id_of(*a), a);
  store->store(id_of(*b), b);
  store->sync();
  store->pin(id_of(*a));  // oldest, but being streamed
  store->store(id_of(*c), c);
  store->sync();
  EXPECT_TRUE(store->total_length(id_of(*a)));
  EXPECT_FALSE(store->total_length(id_of(*b)));
  store->unpin(id_of(*a));
}

TEST_F(AssetStoreTest, RefusesAssetsPastTheHardLimitOrBudget) {
  auto store = open(4 << 20, 1 << 20);
  auto big = make_bytes(2 << 20, 4);
  EXPECT_FALSE(store->admits(big->size()));
  EXPECT_TRUE(store->admits(100'000));
  store->store(id_of(*big), big);
  store->sync();
  EXPECT_EQ(last_outcome(), CommitOutcome::kStoreFull);
  EXPECT_FALSE(store->total_length(id_of(*big)));

  auto over_budget = open(256 << 10, 48 << 20);
  auto medium = make_bytes(300'000, 5);
  EXPECT_FALSE(over_budget->admits(medium->size()));
}

TEST_F(AssetStoreTest, PersistsAcrossRestart) {
  auto bytes = make_bytes(150'000, 6);
  std::string id = id_of(*bytes);
  {
    auto store = open(32 << 20, 48 << 20);
    store->store(id, bytes);
    store->record_lookup(id, false);
    store->record_lookup(id, true);
  }  // the destructor drains the writer queue
  auto store = open(32 << 20, 48 << 20);
  auto all = store->read(id, 0, bytes->size());
  ASSERT_TRUE(all);
  EXPECT_EQ(*all, *bytes);
  StoreStats stats = store->stats();
  EXPECT_EQ(stats.hits, 1u);
  EXPECT_EQ(stats.misses, 1u);
}

TEST_F(AssetStoreTest, InspectReadsALiveStore) {
  auto store = open(32 << 20, 48 << 20);
  auto bytes = make_bytes(5000, 7);
  store->store(id_of(*bytes), bytes);
  store->record_lookup(id_of(*bytes), true);
  store->sync();
  auto stats = AssetStore::inspect(dir_.path());
  ASSERT_TRUE(stats) << stats.error().detail;
  EXPECT_EQ(stats->entries, 1u);
  EXPECT_EQ(stats->stored_bytes, 5000u);
  EXPECT_EQ(stats->budget_bytes, 32u << 20);
  EXPECT_EQ(stats->hard_limit_bytes, 48u << 20);
  EXPECT_EQ(stats->hits, 1u);
  auto none = AssetStore::inspect(dir_.path() / "nothing");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, "store_open");
}

}  // namespace
}  // namespace allo::assetd

namespace allo::assetd {
namespace {

// The writer is held inside the first commit's callback, so the second asset
// is queued but not committed: lookups and reads must already see it.
TEST_F(AssetStoreTest, AnAssetIsServedBeforeItsCommitFinishes) {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  hold_ = [released] { released.wait(); };
  auto store = open(32 << 20, 48 << 20);
  auto first = make_bytes(1000, 1), second = make_bytes(3 * kChunk + 5, 2);
  store->store(id_of(*first), first);
  store->store(id_of(*second), second);
  EXPECT_EQ(store->total_length(id_of(*second)), second->size());
  auto part = store->read(id_of(*second), kChunk - 2, 10);
  ASSERT_TRUE(part) << part.error().detail;
  EXPECT_EQ(*part,
            std::vector<uint8_t>(second->begin() + kChunk - 2, second->begin() + kChunk + 8));
  auto past = store->read(id_of(*second), 1, second->size());
  ASSERT_FALSE(past);
  EXPECT_EQ(past.error().code, "range_out_of_bounds");
  release.set_value();
  store->sync();
  EXPECT_EQ(store->total_length(id_of(*second)), second->size());  // now from LMDB
  auto whole = store->read(id_of(*second), 0, second->size());
  ASSERT_TRUE(whole);
  EXPECT_EQ(*whole, *second);
}

}  // namespace
}  // namespace allo::assetd
