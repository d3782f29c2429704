#include "assetd/asset_store.hpp"

#include "assetd/store_layout.hpp"
#include "common/log.hpp"

namespace allo::assetd {
namespace {

// "range_out_of_bounds" unless [start, start + count) lies within `total`.
proto::Result<void> check_range(uint64_t total, uint64_t start, uint64_t count) {
  if (start > total || count > total - start)
    return proto::fail("range_out_of_bounds", "range past total length " + std::to_string(total));
  return {};
}

std::span<const uint8_t> id_bytes(const std::string& id) {
  return {reinterpret_cast<const uint8_t*>(id.data()), id.size()};
}

uint64_t read_counter(MDB_txn* txn, MDB_dbi dbi, std::string_view name) {
  auto v = lmdb_get(txn, dbi, {reinterpret_cast<const uint8_t*>(name.data()), name.size()});
  return v && v->size() == 8 ? get_u64_be(v->data()) : 0;
}

void write_counter(MDB_txn* txn, MDB_dbi dbi, std::string_view name, uint64_t value) {
  std::vector<uint8_t> bytes;
  put_u64_be(bytes, value);
  MDB_val k{name.size(), const_cast<char*>(name.data())}, v{bytes.size(), bytes.data()};
  mdb_put(txn, dbi, &k, &v, 0);
}

}  // namespace

proto::Result<std::unique_ptr<AssetStore>> AssetStore::open(StoreConfig config) {
  auto env = LmdbEnv::open(config.dir, config.map_size, false);
  if (!env) return std::unexpected(env.error());
  if ((*env)->stale_readers_cleared() > 0) {
    log::warn("cleared {} stale LMDB reader slots in {}", (*env)->stale_readers_cleared(),
              config.dir.string());
  }
  MDB_txn* txn = nullptr;
  if (mdb_txn_begin((*env)->env(), nullptr, 0, &txn) == 0) {
    write_counter(txn, (*env)->dbis().info, "budget", config.limits.budget_bytes);
    write_counter(txn, (*env)->dbis().info, "hard_limit", config.limits.hard_limit_bytes);
    mdb_txn_commit(txn);
  }
  return std::unique_ptr<AssetStore>(new AssetStore(std::move(*env), std::move(config)));
}

AssetStore::AssetStore(std::unique_ptr<LmdbEnv> env, StoreConfig config)
    : env_(std::move(env)), config_(std::move(config)) {
  {
    ReadTxn txn(env_->env());
    if (txn.ok()) {
      counters_.hits = read_counter(txn.get(), env_->dbis().info, "hits");
      counters_.misses = read_counter(txn.get(), env_->dbis().info, "misses");
      counters_.evictions = read_counter(txn.get(), env_->dbis().info, "evictions");
    }
  }
  writer_ = std::make_unique<StoreWriter>(*env_, config_.limits, pins_, counters_,
                                          [this](const CommitResult& r) {
                                            if (config_.on_commit) config_.on_commit(r);
                                            finish_pending(r.id);
                                          });
}

std::shared_ptr<const std::vector<uint8_t>> AssetStore::pending(const std::string& id) {
  std::lock_guard lock(pending_mutex_);
  auto it = pending_.find(id);
  return it == pending_.end() ? nullptr : it->second;
}

void AssetStore::finish_pending(const std::string& id) {
  std::lock_guard lock(pending_mutex_);
  pending_.erase(id);
}

AssetStore::~AssetStore() {
  writer_.reset();
}

std::optional<uint64_t> AssetStore::total_length(const std::string& id) {
  if (auto bytes = pending(id)) return bytes->size();
  ReadTxn txn(env_->env());
  if (!txn.ok()) return std::nullopt;
  auto found = lmdb_get(txn.get(), env_->dbis().meta, id_bytes(id));
  if (!found) return std::nullopt;
  auto meta = decode_meta(*found);
  if (!meta) return std::nullopt;
  return meta->total_length;
}

proto::Result<std::vector<uint8_t>> AssetStore::read(const std::string& id, uint64_t start,
                                                     uint64_t count) {
  if (auto bytes = pending(id)) {
    if (auto bad = check_range(bytes->size(), start, count); !bad)
      return std::unexpected(bad.error());
    return std::vector<uint8_t>(bytes->begin() + start, bytes->begin() + start + count);
  }
  ReadTxn txn(env_->env());
  if (!txn.ok()) return proto::fail("store_error", mdb_strerror(txn.rc()));
  auto found = lmdb_get(txn.get(), env_->dbis().meta, id_bytes(id));
  auto meta = found ? decode_meta(*found) : std::nullopt;
  if (!meta) return proto::fail("not_found", id + " is not stored");
  if (auto bad = check_range(meta->total_length, start, count); !bad)
    return std::unexpected(bad.error());
  std::vector<uint8_t> out;
  out.reserve(count);
  uint64_t offset = start, end = start + count;
  while (offset < end) {
    auto index = static_cast<uint32_t>(offset / meta->chunk_size);
    uint64_t within = offset % meta->chunk_size;
    auto chunk = lmdb_get(txn.get(), env_->dbis().chunks, chunk_key(id, index));
    if (!chunk || chunk->size() <= within) {
      return proto::fail("store_error", id + " is missing chunk " + std::to_string(index));
    }
    uint64_t n = std::min<uint64_t>(chunk->size() - within, end - offset);
    out.insert(out.end(), chunk->begin() + within, chunk->begin() + within + n);
    offset += n;
  }
  return out;
}

void AssetStore::record_lookup(const std::string& id, bool hit) {
  if (hit) {
    counters_.hits++;
    writer_->touch(id);
  } else {
    counters_.misses++;
  }
}

bool AssetStore::admits(uint64_t bytes) {
  uint64_t psize = env_->page_size();
  uint64_t needed = estimate_pages(bytes, config_.limits.chunk_size, psize);
  if (needed * psize > config_.limits.budget_bytes) return false;
  uint64_t pages = writer_->committed_pages_in_use() + writer_->queued_pages() + needed;
  return pages * psize <= config_.limits.hard_limit_bytes;
}

void AssetStore::store(const std::string& id, std::shared_ptr<const std::vector<uint8_t>> bytes) {
  {
    std::lock_guard lock(pending_mutex_);
    pending_[id] = bytes;
  }
  writer_->commit(id, std::move(bytes));
}

StoreStats AssetStore::collect(const LmdbEnv& env, bool sum_stored_bytes) {
  StoreStats stats;
  ReadTxn txn(env.env());
  if (!txn.ok()) return stats;
  const StoreDbis& dbis = env.dbis();
  MDB_stat meta_stat;
  if (mdb_stat(txn.get(), dbis.meta, &meta_stat) == 0) stats.entries = meta_stat.ms_entries;
  stats.data_bytes = data_pages(txn.get(), dbis) * env.page_size();
  MDB_cursor* cursor = nullptr;
  if (sum_stored_bytes && mdb_cursor_open(txn.get(), dbis.meta, &cursor) == 0) {
    MDB_val k, v;
    while (mdb_cursor_get(cursor, &k, &v, MDB_NEXT) == 0) {
      auto meta = decode_meta({static_cast<const uint8_t*>(v.mv_data), v.mv_size});
      if (meta) stats.stored_bytes += meta->total_length;
    }
    mdb_cursor_close(cursor);
  }
  stats.budget_bytes = read_counter(txn.get(), dbis.info, "budget");
  stats.hard_limit_bytes = read_counter(txn.get(), dbis.info, "hard_limit");
  stats.hits = read_counter(txn.get(), dbis.info, "hits");
  stats.misses = read_counter(txn.get(), dbis.info, "misses");
  stats.evictions = read_counter(txn.get(), dbis.info, "evictions");
  stats.in_use_bytes = page_usage(env.env()).in_use() * env.page_size();
  stats.map_size = env.map_size();
  stats.readers_in_use = env.readers_in_use();
  stats.max_readers = env.max_readers();
  return stats;
}

StoreStats AssetStore::stats() const {
  StoreStats stats = collect(*env_, false);
  // Live counters are newer than the ones last flushed to disk.
  stats.hits = counters_.hits;
  stats.misses = counters_.misses;
  stats.evictions = counters_.evictions;
  stats.lru_updates = counters_.lru_updates;
  return stats;
}

proto::Result<StoreStats> AssetStore::inspect(const std::filesystem::path& dir) {
  if (!std::filesystem::exists(dir / "data.mdb")) {
    return proto::fail("store_open", "no LMDB store in " + dir.string());
  }
  auto env = LmdbEnv::open(dir, 0, true);
  if (!env) return std::unexpected(env.error());
  return collect(**env, true);
}

std::vector<std::string> AssetStore::ids_by_age() const {
  std::vector<std::string> ids;
  ReadTxn txn(env_->env());
  MDB_cursor* cursor = nullptr;
  if (!txn.ok() || mdb_cursor_open(txn.get(), env_->dbis().lru, &cursor) != 0) return ids;
  MDB_val k, v;
  while (mdb_cursor_get(cursor, &k, &v, MDB_NEXT) == 0) {
    ids.push_back(lru_key_id({static_cast<const uint8_t*>(k.mv_data), k.mv_size}));
  }
  mdb_cursor_close(cursor);
  return ids;
}

}  // namespace allo::assetd
