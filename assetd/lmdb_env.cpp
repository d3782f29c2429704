#include "assetd/lmdb_env.hpp"

#include <string>

namespace allo::assetd {
namespace {

proto::Result<std::unique_ptr<LmdbEnv>> open_error(const std::filesystem::path& dir,
                                                   const char* step, int rc) {
  return proto::fail("store_open",
                     std::string(step) + " " + dir.string() + ": " + mdb_strerror(rc));
}

}  // namespace

proto::Result<std::unique_ptr<LmdbEnv>> LmdbEnv::open(const std::filesystem::path& dir,
                                                      uint64_t map_size, bool read_only) {
  std::error_code ec;
  if (!read_only) std::filesystem::create_directories(dir, ec);
  if (ec) return proto::fail("store_open", "create " + dir.string() + ": " + ec.message());
  std::unique_ptr<LmdbEnv> out(new LmdbEnv());
  int rc = mdb_env_create(&out->env_);
  if (rc != 0) return open_error(dir, "mdb_env_create", rc);
  mdb_env_set_maxdbs(out->env_, 8);
  mdb_env_set_maxreaders(out->env_, 126);
  if (map_size > 0 && (rc = mdb_env_set_mapsize(out->env_, map_size)) != 0) {
    return open_error(dir, "mdb_env_set_mapsize", rc);
  }
  unsigned flags = MDB_NOTLS | (read_only ? MDB_RDONLY : 0);
  if ((rc = mdb_env_open(out->env_, dir.c_str(), flags, 0644)) != 0) {
    return open_error(dir, "mdb_env_open", rc);
  }
  mdb_reader_check(out->env_, &out->stale_readers_);
  MDB_stat stat;
  mdb_env_stat(out->env_, &stat);
  out->page_size_ = stat.ms_psize;
  MDB_envinfo info;
  mdb_env_info(out->env_, &info);
  out->map_size_ = info.me_mapsize;

  MDB_txn* txn = nullptr;
  if ((rc = mdb_txn_begin(out->env_, nullptr, read_only ? MDB_RDONLY : 0, &txn)) != 0) {
    return open_error(dir, "mdb_txn_begin", rc);
  }
  unsigned dbi_flags = read_only ? 0 : MDB_CREATE;
  const std::pair<const char*, MDB_dbi*> names[] = {{"meta", &out->dbis_.meta},
                                                    {"chunks", &out->dbis_.chunks},
                                                    {"lru", &out->dbis_.lru},
                                                    {"info", &out->dbis_.info}};
  for (auto [name, dbi] : names) {
    if ((rc = mdb_dbi_open(txn, name, dbi_flags, dbi)) != 0) {
      mdb_txn_abort(txn);
      return open_error(dir, "mdb_dbi_open", rc);
    }
  }
  if ((rc = mdb_txn_commit(txn)) != 0) return open_error(dir, "mdb_txn_commit", rc);
  return out;
}

LmdbEnv::~LmdbEnv() {
  if (env_ != nullptr) mdb_env_close(env_);
}

int LmdbEnv::readers_in_use() const {
  int lines = 0;
  mdb_reader_list(
      env_,
      [](const char*, void* ctx) -> int {
        ++*static_cast<int*>(ctx);
        return 0;
      },
      &lines);
  return lines > 0 ? lines - 1 : 0;  // the first line is a header (or "(no active readers)")
}

unsigned LmdbEnv::max_readers() const {
  unsigned n = 0;
  mdb_env_get_maxreaders(env_, &n);
  return n;
}

std::optional<std::span<const uint8_t>> lmdb_get(MDB_txn* txn, MDB_dbi dbi,
                                                 std::span<const uint8_t> key) {
  MDB_val k{key.size(), const_cast<uint8_t*>(key.data())};
  MDB_val v;
  if (mdb_get(txn, dbi, &k, &v) != 0) return std::nullopt;
  return std::span<const uint8_t>(static_cast<const uint8_t*>(v.mv_data), v.mv_size);
}

uint64_t data_pages(MDB_txn* txn, const StoreDbis& dbis) {
  uint64_t pages = 0;
  for (MDB_dbi dbi : {dbis.meta, dbis.chunks, dbis.lru, dbis.info}) {
    MDB_stat stat;
    if (mdb_stat(txn, dbi, &stat) == 0) {
      pages += stat.ms_branch_pages + stat.ms_leaf_pages + stat.ms_overflow_pages;
    }
  }
  return pages;
}

PageUsage page_usage(MDB_env* env) {
  PageUsage usage;
  ReadTxn txn(env);
  if (!txn.ok()) return usage;
  MDB_envinfo info;
  mdb_env_info(env, &info);
  usage.last_pages = info.me_last_pgno + 1;
  MDB_cursor* cursor = nullptr;
  if (mdb_cursor_open(txn.get(), 0 /* FREE_DBI */, &cursor) != 0) return usage;
  MDB_val key, value;
  while (mdb_cursor_get(cursor, &key, &value, MDB_NEXT) == 0) {
    // Each freelist record is an IDL: [count][page numbers...] of size_t.
    if (value.mv_size >= sizeof(size_t))
      usage.free_pages += *static_cast<const size_t*>(value.mv_data);
  }
  mdb_cursor_close(cursor);
  return usage;
}

}  // namespace allo::assetd
