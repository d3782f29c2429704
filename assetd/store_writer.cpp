#include "assetd/store_writer.hpp"

#include <algorithm>
#include <chrono>

#include "assetd/store_layout.hpp"
#include "common/log.hpp"

namespace allo::assetd {
namespace {

constexpr uint64_t kMapSlackPages = 64;
// Values larger than this go to overflow pages (about half a page in LMDB).
constexpr uint64_t kInlineValueBytes = 2000;
constexpr uint64_t kPageHeaderBytes = 16;
constexpr uint64_t kNodeOverheadBytes = 100;

MDB_val val_of(std::span<const uint8_t> bytes) {
  return MDB_val{bytes.size(), const_cast<uint8_t*>(bytes.data())};
}

std::span<const uint8_t> id_bytes(const std::string& id) {
  return {reinterpret_cast<const uint8_t*>(id.data()), id.size()};
}

void put_counter(MDB_txn* txn, MDB_dbi dbi, std::string_view name, uint64_t value) {
  std::vector<uint8_t> v;
  put_u64_be(v, value);
  MDB_val k{name.size(), const_cast<char*>(name.data())};
  MDB_val mv = val_of(v);
  mdb_put(txn, dbi, &k, &mv, 0);
}

}  // namespace

const char* to_string(CommitOutcome outcome) {
  switch (outcome) {
    case CommitOutcome::kStored:
      return "stored";
    case CommitOutcome::kAlreadyStored:
      return "already_stored";
    case CommitOutcome::kTooLargeForBudget:
      return "too_large_for_budget";
    case CommitOutcome::kStoreFull:
      return "store_full";
    case CommitOutcome::kError:
      return "error";
  }
  return "error";
}

void PinSet::pin(const std::string& id) {
  std::lock_guard lock(mutex_);
  ++pins_[id];
}

void PinSet::unpin(const std::string& id) {
  std::lock_guard lock(mutex_);
  auto it = pins_.find(id);
  if (it != pins_.end() && --it->second <= 0) pins_.erase(it);
}

bool PinSet::pinned(const std::string& id) const {
  std::lock_guard lock(mutex_);
  return pins_.contains(id);
}

uint64_t estimate_pages(uint64_t bytes, uint32_t chunk_size, uint64_t page_size) {
  uint64_t chunks = bytes == 0 ? 1 : (bytes + chunk_size - 1) / chunk_size;
  uint64_t full = bytes / chunk_size, tail = bytes % chunk_size;
  auto overflow = [&](uint64_t n) -> uint64_t {
    return n > kInlineValueBytes ? (n + kPageHeaderBytes + page_size - 1) / page_size : 0;
  };
  uint64_t pages = full * overflow(chunk_size) + overflow(tail);
  uint64_t inline_bytes = chunks * kNodeOverheadBytes + (tail <= kInlineValueBytes ? tail : 0) +
                          (chunk_size <= kInlineValueBytes ? full * chunk_size : 0);
  return pages + (inline_bytes + page_size - 1) / page_size + 2;
}

StoreWriter::StoreWriter(LmdbEnv& env, StoreLimits limits, PinSet& pins, StoreCounters& counters,
                         CommitCallback on_commit)
    : env_(env),
      limits_(limits),
      pins_(pins),
      counters_(counters),
      on_commit_(std::move(on_commit)) {
  ReadTxn txn(env_.env());
  if (txn.ok()) {
    MDB_cursor* cursor = nullptr;
    MDB_val k, v;
    if (mdb_cursor_open(txn.get(), env_.dbis().lru, &cursor) == 0) {
      if (mdb_cursor_get(cursor, &k, &v, MDB_LAST) == 0 && k.mv_size >= 8) {
        next_stamp_ = get_u64_be(static_cast<const uint8_t*>(k.mv_data)) + 1;
      }
      mdb_cursor_close(cursor);
    }
  }
  written_hits_ = counters_.hits.load();
  written_misses_ = counters_.misses.load();
  written_evictions_ = counters_.evictions.load();
  refresh_usage();
  thread_ = std::thread([this] { run(); });
}

StoreWriter::~StoreWriter() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void StoreWriter::commit(std::string id, std::shared_ptr<const std::vector<uint8_t>> bytes) {
  queued_pages_ += estimate_pages(bytes->size(), limits_.chunk_size, env_.page_size());
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(Job{std::move(id), std::move(bytes), nullptr});
  }
  wake_.notify_one();
}

void StoreWriter::touch(std::string id) {
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    touches_.insert_or_assign(std::move(id), touch_order_++);
    wake = touches_.size() >= kTouchBatch;
  }
  if (wake) wake_.notify_one();
}

void StoreWriter::sync() {
  auto done = std::make_shared<std::promise<void>>();
  auto future = done->get_future();
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(Job{{}, nullptr, done});
  }
  wake_.notify_one();
  future.wait();
}

void StoreWriter::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait_for(lock, std::chrono::duration<double>(kTouchFlushSeconds),
                   [&] { return stop_ || !jobs_.empty() || touches_.size() >= kTouchBatch; });
    std::deque<Job> jobs;
    jobs.swap(jobs_);
    std::vector<std::pair<uint64_t, std::string>> ordered;
    ordered.reserve(touches_.size());
    for (auto& [id, order] : touches_) ordered.emplace_back(order, id);
    touches_.clear();
    bool stopping = stop_;
    lock.unlock();
    // Touches queued before a commit are applied before it, each asset at
    // its latest touch, so LRU order follows the order of calls.
    std::sort(ordered.begin(), ordered.end());
    std::vector<std::string> touches;
    touches.reserve(ordered.size());
    for (auto& entry : ordered) touches.push_back(std::move(entry.second));
    apply_touches_and_counters(touches);
    for (const Job& job : jobs) {
      if (job.bytes) {
        CommitResult result = commit_one(job);
        queued_pages_ -= estimate_pages(job.bytes->size(), limits_.chunk_size, env_.page_size());
        refresh_usage();
        if (on_commit_) on_commit_(result);
      } else {
        apply_touches_and_counters({});
        job.done->set_value();
      }
    }
    lock.lock();
    if (stopping && jobs_.empty() && touches_.empty()) break;
  }
}

void StoreWriter::apply_touches_and_counters(const std::vector<std::string>& touches) {
  uint64_t hits = counters_.hits.load(), misses = counters_.misses.load();
  uint64_t evictions = counters_.evictions.load();
  if (touches.empty() && hits == written_hits_ && misses == written_misses_ &&
      evictions == written_evictions_) {
    return;
  }
  const StoreDbis& dbis = env_.dbis();
  MDB_txn* txn = nullptr;
  if (mdb_txn_begin(env_.env(), nullptr, 0, &txn) != 0) return;
  for (const std::string& id : touches) {
    auto found = lmdb_get(txn, dbis.meta, id_bytes(id));
    if (!found) continue;
    auto meta = decode_meta(*found);
    if (!meta) continue;
    auto old_key = lru_key(meta->stamp, id);
    MDB_val ok = val_of(old_key);
    mdb_del(txn, dbis.lru, &ok, nullptr);
    meta->stamp = next_stamp_++;
    counters_.lru_updates.fetch_add(1, std::memory_order_relaxed);
    auto meta_bytes = encode_meta(*meta);
    auto new_key = lru_key(meta->stamp, id);
    MDB_val mk = val_of(id_bytes(id)), mv = val_of(meta_bytes), nk = val_of(new_key),
            empty{0, nullptr};
    mdb_put(txn, dbis.meta, &mk, &mv, 0);
    mdb_put(txn, dbis.lru, &nk, &empty, 0);
  }
  put_counter(txn, dbis.info, "hits", hits);
  put_counter(txn, dbis.info, "misses", misses);
  put_counter(txn, dbis.info, "evictions", evictions);
  if (mdb_txn_commit(txn) == 0) {
    written_hits_ = hits;
    written_misses_ = misses;
    written_evictions_ = evictions;
  }
}

bool StoreWriter::evict_oldest(MDB_txn* txn) {
  const StoreDbis& dbis = env_.dbis();
  MDB_cursor* cursor = nullptr;
  if (mdb_cursor_open(txn, dbis.lru, &cursor) != 0) return false;
  MDB_val k, v;
  std::string victim;
  std::vector<uint8_t> victim_key;
  for (int op = MDB_FIRST; mdb_cursor_get(cursor, &k, &v, static_cast<MDB_cursor_op>(op)) == 0;
       op = MDB_NEXT) {
    std::span<const uint8_t> key(static_cast<const uint8_t*>(k.mv_data), k.mv_size);
    std::string id = lru_key_id(key);
    if (!pins_.pinned(id)) {
      victim = std::move(id);
      victim_key.assign(key.begin(), key.end());
      break;
    }
  }
  mdb_cursor_close(cursor);
  if (victim.empty()) return false;
  MDB_val lk = val_of(victim_key);
  mdb_del(txn, dbis.lru, &lk, nullptr);
  auto found = lmdb_get(txn, dbis.meta, id_bytes(victim));
  if (found) {
    if (auto meta = decode_meta(*found)) {
      uint64_t chunks = (meta->total_length + meta->chunk_size - 1) / meta->chunk_size;
      for (uint64_t i = 0; i < std::max<uint64_t>(chunks, 1); ++i) {
        auto ck = chunk_key(victim, static_cast<uint32_t>(i));
        MDB_val ckv = val_of(ck);
        mdb_del(txn, dbis.chunks, &ckv, nullptr);
      }
    }
    MDB_val mk = val_of(id_bytes(victim));
    mdb_del(txn, dbis.meta, &mk, nullptr);
  }
  log::debug("evicting {}", victim);
  return true;
}

CommitResult StoreWriter::commit_one(const Job& job) {
  CommitResult result{job.id, CommitOutcome::kError, job.bytes->size(), 0};
  const StoreDbis& dbis = env_.dbis();
  uint64_t psize = env_.page_size();
  uint64_t needed = estimate_pages(job.bytes->size(), limits_.chunk_size, psize);
  if (needed * psize > limits_.budget_bytes) {
    result.outcome = CommitOutcome::kTooLargeForBudget;
    return result;
  }
  PageUsage usage = page_usage(env_.env());
  uint64_t growth = needed > usage.free_pages ? needed - usage.free_pages : 0;
  if ((usage.in_use() + needed) * psize > limits_.hard_limit_bytes ||
      (usage.last_pages + growth + kMapSlackPages) * psize > env_.map_size()) {
    result.outcome = CommitOutcome::kStoreFull;
    return result;
  }
  MDB_txn* txn = nullptr;
  if (mdb_txn_begin(env_.env(), nullptr, 0, &txn) != 0) return result;
  if (lmdb_get(txn, dbis.meta, id_bytes(job.id))) {
    mdb_txn_abort(txn);
    result.outcome = CommitOutcome::kAlreadyStored;
    return result;
  }
  uint64_t budget_pages = limits_.budget_bytes / psize;
  while (data_pages(txn, dbis) + needed > budget_pages) {
    if (!evict_oldest(txn)) {
      mdb_txn_abort(txn);
      result.outcome = CommitOutcome::kStoreFull;  // everything left is being streamed
      return result;
    }
    ++result.evicted;
  }
  const auto& bytes = *job.bytes;
  int rc = 0;
  uint32_t index = 0;
  for (uint64_t offset = 0; rc == 0 && (offset < bytes.size() || index == 0); ++index) {
    uint64_t n = std::min<uint64_t>(limits_.chunk_size, bytes.size() - offset);
    auto key = chunk_key(job.id, index);
    MDB_val k = val_of(key), v{n, const_cast<uint8_t*>(bytes.data() + offset)};
    rc = mdb_put(txn, dbis.chunks, &k, &v, 0);
    offset += n;
    if (n == 0) break;
  }
  AssetMeta meta{bytes.size(), limits_.chunk_size, next_stamp_};
  auto meta_bytes = encode_meta(meta);
  auto lk = lru_key(meta.stamp, job.id);
  MDB_val mk = val_of(id_bytes(job.id)), mv = val_of(meta_bytes), lkv = val_of(lk),
          empty{0, nullptr};
  if (rc == 0) rc = mdb_put(txn, dbis.meta, &mk, &mv, 0);
  if (rc == 0) rc = mdb_put(txn, dbis.lru, &lkv, &empty, 0);
  if (rc == 0) {
    rc = mdb_txn_commit(txn);
  } else {
    mdb_txn_abort(txn);
  }
  if (rc == 0) {
    ++next_stamp_;
    counters_.evictions += result.evicted;
    result.outcome = CommitOutcome::kStored;
  } else {
    result.outcome = rc == MDB_MAP_FULL ? CommitOutcome::kStoreFull : CommitOutcome::kError;
    log::warn("commit of {} failed: {}", job.id, mdb_strerror(rc));
  }
  return result;
}

void StoreWriter::refresh_usage() {
  in_use_pages_ = page_usage(env_.env()).in_use();
}

}  // namespace allo::assetd
