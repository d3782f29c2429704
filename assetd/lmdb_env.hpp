// An open LMDB environment with the asset store's named databases, plus the
// few read-side helpers the store needs. Owns the MDB_env (closed in the
// destructor). Thread-safe as LMDB is: opened with MDB_NOTLS, so read
// transactions may be used from any thread; one writer at a time.
#pragma once

#include <lmdb.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>

#include "proto/error.hpp"

namespace allo::assetd {

struct StoreDbis {
  MDB_dbi meta = 0;
  MDB_dbi chunks = 0;
  MDB_dbi lru = 0;
  MDB_dbi info = 0;
};

class LmdbEnv {
 public:
  // Creates `dir` when missing (unless read_only), opens the environment,
  // clears stale reader slots (mdb_reader_check) and opens the databases.
  // Errors: "store_open" with the LMDB message and the directory.
  static proto::Result<std::unique_ptr<LmdbEnv>> open(const std::filesystem::path& dir,
                                                      uint64_t map_size, bool read_only);
  ~LmdbEnv();
  LmdbEnv(const LmdbEnv&) = delete;
  LmdbEnv& operator=(const LmdbEnv&) = delete;

  MDB_env* env() const { return env_; }
  const StoreDbis& dbis() const { return dbis_; }
  uint64_t page_size() const { return page_size_; }
  uint64_t map_size() const { return map_size_; }
  int stale_readers_cleared() const { return stale_readers_; }
  // Reader slots in use right now (mdb_reader_list).
  int readers_in_use() const;
  // Reader slots the environment has (mdb_env_get_maxreaders).
  unsigned max_readers() const;

 private:
  LmdbEnv() = default;
  MDB_env* env_ = nullptr;
  StoreDbis dbis_;
  uint64_t page_size_ = 4096;
  uint64_t map_size_ = 0;
  int stale_readers_ = 0;
};

// A short read-only transaction, aborted when it goes out of scope.
class ReadTxn {
 public:
  explicit ReadTxn(MDB_env* env) { rc_ = mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn_); }
  ~ReadTxn() {
    if (rc_ == 0) mdb_txn_abort(txn_);
  }
  ReadTxn(const ReadTxn&) = delete;
  ReadTxn& operator=(const ReadTxn&) = delete;
  bool ok() const { return rc_ == 0; }
  int rc() const { return rc_; }
  MDB_txn* get() const { return txn_; }

 private:
  MDB_txn* txn_ = nullptr;
  int rc_ = 0;
};

// The value under `key`, pointing into the map (valid until the transaction
// ends); nullopt on MDB_NOTFOUND or another error.
std::optional<std::span<const uint8_t>> lmdb_get(MDB_txn* txn, MDB_dbi dbi,
                                                 std::span<const uint8_t> key);
// Branch + leaf + overflow pages of the store's databases in `txn`.
uint64_t data_pages(MDB_txn* txn, const StoreDbis& dbis);

// File-level page accounting from a read transaction: pages the map has
// handed out (last page + 1) and pages on the freelist, reusable by writers.
struct PageUsage {
  uint64_t last_pages = 0;
  uint64_t free_pages = 0;
  uint64_t in_use() const { return last_pages > free_pages ? last_pages - free_pages : 0; }
};
PageUsage page_usage(MDB_env* env);

}  // namespace allo::assetd
