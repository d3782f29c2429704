// The LMDB asset cache: verified assets stored as chunk records plus one meta
// record each, evicted least-recently-used first to a byte budget counted in
// real pages, refusing new assets past a hard limit (see store_writer.hpp).
// Reads are short read-only transactions on the caller's thread; all writes go
// through the one StoreWriter thread. Thread-safe.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "assetd/asset_cache.hpp"
#include "assetd/lmdb_env.hpp"
#include "assetd/store_writer.hpp"

namespace allo::assetd {

struct StoreConfig {
  std::filesystem::path dir;
  uint64_t map_size = 2ull << 30;
  StoreLimits limits;
  StoreWriter::CommitCallback on_commit;  // runs on the writer thread; may be empty
};

struct StoreStats {
  uint64_t entries = 0;
  uint64_t data_bytes = 0;    // pages of the store's databases, in bytes
  uint64_t in_use_bytes = 0;  // pages the file uses (not on the freelist), in bytes
  uint64_t stored_bytes = 0;  // sum of total_length over entries
  uint64_t budget_bytes = 0;
  uint64_t hard_limit_bytes = 0;
  uint64_t map_size = 0;
  uint64_t hits = 0, misses = 0, evictions = 0;
  uint64_t lru_updates = 0;  // since start: LRU records rewritten (touches coalesce)
  int readers_in_use = 0;
  unsigned max_readers = 0;
};

class AssetStore : public AssetCache {
 public:
  // Opens (creating) the store in config.dir. Errors: "store_open".
  static proto::Result<std::unique_ptr<AssetStore>> open(StoreConfig config);
  // Reads the store without writing (for inspection; may run beside a live
  // daemon). Budget and hard limit are those the daemon last recorded.
  static proto::Result<StoreStats> inspect(const std::filesystem::path& dir);
  // Waits for queued writes, then closes.
  ~AssetStore() override;

  std::optional<uint64_t> total_length(const std::string& id) override;
  proto::Result<std::vector<uint8_t>> read(const std::string& id, uint64_t start,
                                           uint64_t count) override;
  void record_lookup(const std::string& id, bool hit) override;
  bool admits(uint64_t bytes) override;
  void store(const std::string& id, std::shared_ptr<const std::vector<uint8_t>> bytes) override;
  void pin(const std::string& id) override { pins_.pin(id); }
  void unpin(const std::string& id) override { pins_.unpin(id); }

  // Blocks until every queued write is applied.
  void sync() { writer_->sync(); }
  StoreStats stats() const;
  // Ids from least to most recently used.
  std::vector<std::string> ids_by_age() const;
  int stale_readers_cleared() const { return env_->stale_readers_cleared(); }

 private:
  AssetStore(std::unique_ptr<LmdbEnv> env, StoreConfig config);
  // stored_bytes walks every meta record: only for inspection.
  static StoreStats collect(const LmdbEnv& env, bool sum_stored_bytes);

  // Bytes handed to the writer and not yet committed (or refused): lookups
  // and reads see them at once, so a request arriving right after an ingest
  // is a hit, not a second fetch. Erased by the writer thread's callback.
  std::shared_ptr<const std::vector<uint8_t>> pending(const std::string& id);
  void finish_pending(const std::string& id);

  std::unique_ptr<LmdbEnv> env_;
  StoreConfig config_;
  PinSet pins_;
  std::mutex pending_mutex_;
  std::unordered_map<std::string, std::shared_ptr<const std::vector<uint8_t>>> pending_;
  StoreCounters counters_;
  std::unique_ptr<StoreWriter> writer_;
};

}  // namespace allo::assetd
