// The asset store's one writer thread. Jobs (commits of verified assets, LRU
// touches, counter flushes) are queued by any thread and applied in order;
// each commit is one LMDB write transaction holding the asset's meta, chunks
// and lru records, so a crash never leaves part of an asset visible.
// Before writing, a commit evicts the least recently used unpinned assets
// until the store's data pages plus the new asset fit the budget, and is
// refused (kStoreFull) when the file's pages in use would pass the hard limit
// or the map would run out (no MDB_MAP_FULL reaches the caller).
// LRU touches are coalesced: an asset read a thousand times between two
// writes costs one LRU update, ordered by its latest touch, and touches alone
// are written at most once per kTouchFlushSeconds (or when kTouchBatch
// distinct assets wait), so a hit-heavy load does not turn into a stream of
// synced write transactions. A crash loses at most that much LRU recency.
// Thread-safe: every public method may be called from any thread; the commit
// callback runs on the writer thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "assetd/lmdb_env.hpp"

namespace allo::assetd {

enum class CommitOutcome { kStored, kAlreadyStored, kTooLargeForBudget, kStoreFull, kError };
const char* to_string(CommitOutcome outcome);

struct CommitResult {
  std::string id;
  CommitOutcome outcome = CommitOutcome::kError;
  uint64_t bytes = 0;
  uint64_t evicted = 0;  // assets evicted to make room
};

struct StoreLimits {
  uint64_t budget_bytes = 0;
  uint64_t hard_limit_bytes = 0;
  uint32_t chunk_size = 64 * 1024;
};

// Counters kept across restarts in the "info" database.
struct StoreCounters {
  std::atomic<uint64_t> hits{0};
  std::atomic<uint64_t> misses{0};
  std::atomic<uint64_t> evictions{0};
  std::atomic<uint64_t> lru_updates{0};  // LRU records rewritten for hits (not persisted)
};

// Assets being streamed; eviction skips them. Thread-safe.
class PinSet {
 public:
  void pin(const std::string& id);
  void unpin(const std::string& id);
  bool pinned(const std::string& id) const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, int> pins_;
};

// Pages an asset of `bytes` will take in the store, counting its overflow
// pages, its share of leaf pages and a little tree growth.
uint64_t estimate_pages(uint64_t bytes, uint32_t chunk_size, uint64_t page_size);

class StoreWriter {
 public:
  using CommitCallback = std::function<void(const CommitResult&)>;
  // `env`, `pins` and `counters` must outlive the writer. Starts the thread.
  StoreWriter(LmdbEnv& env, StoreLimits limits, PinSet& pins, StoreCounters& counters,
              CommitCallback on_commit);
  // Applies every queued job, then joins the thread.
  ~StoreWriter();

  // Touches alone are written this often at most...
  static constexpr double kTouchFlushSeconds = 1.0;
  // ...unless this many distinct assets wait for one.
  static constexpr size_t kTouchBatch = 4096;

  void commit(std::string id, std::shared_ptr<const std::vector<uint8_t>> bytes);
  void touch(std::string id);
  // Blocks until every job queued before this call has been applied.
  void sync();
  // Pages the file uses plus pages of queued commits (for admission checks).
  uint64_t committed_pages_in_use() const { return in_use_pages_.load(); }
  uint64_t queued_pages() const { return queued_pages_.load(); }

 private:
  struct Job {
    std::string id;
    std::shared_ptr<const std::vector<uint8_t>> bytes;  // null: a flush marker
    std::shared_ptr<std::promise<void>> done;
  };
  void run();
  void apply_touches_and_counters(const std::vector<std::string>& touches);
  CommitResult commit_one(const Job& job);
  bool evict_oldest(MDB_txn* txn);
  void refresh_usage();

  LmdbEnv& env_;
  StoreLimits limits_;
  PinSet& pins_;
  StoreCounters& counters_;
  CommitCallback on_commit_;
  uint64_t next_stamp_ = 1;  // writer thread only
  uint64_t written_hits_ = 0, written_misses_ = 0, written_evictions_ = 0;
  std::atomic<uint64_t> in_use_pages_{0};
  std::atomic<uint64_t> queued_pages_{0};

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> jobs_;
  // Waiting touches: asset id -> order of its latest touch.
  std::unordered_map<std::string, uint64_t> touches_;
  uint64_t touch_order_ = 0;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace allo::assetd
