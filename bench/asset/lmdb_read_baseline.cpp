#include "lmdb_read_baseline.hpp"

#include <lmdb.h>

#include <cstring>
#include <stdexcept>
#include <vector>

#include "assetd/store_layout.hpp"
#include "common/mono_clock.hpp"

namespace allo::bench {
namespace {

void check(int rc, const char* what) {
  if (rc != 0) throw std::runtime_error(std::string(what) + ": " + mdb_strerror(rc));
}

}  // namespace

double lmdb_read_seconds(const std::string& db_dir, const std::string& asset_id, int repeats,
                         uint64_t& bytes_read) {
  MDB_env* env = nullptr;
  check(mdb_env_create(&env), "mdb_env_create");
  check(mdb_env_set_maxdbs(env, 8), "mdb_env_set_maxdbs");
  check(mdb_env_open(env, db_dir.c_str(), MDB_RDONLY | MDB_NOTLS, 0644), "mdb_env_open");
  MDB_txn* txn = nullptr;
  check(mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn), "mdb_txn_begin");
  MDB_dbi chunks;
  check(mdb_dbi_open(txn, "chunks", 0, &chunks), "mdb_dbi_open chunks");
  check(mdb_txn_commit(txn), "mdb_txn_commit");  // keeps the dbi handle open
  std::vector<uint8_t> out;
  bytes_read = 0;
  double start = mono_seconds();
  for (int r = 0; r < repeats; ++r) {
    check(mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn), "mdb_txn_begin");
    out.clear();
    for (uint32_t index = 0;; ++index) {
      auto key_bytes = assetd::chunk_key(asset_id, index);
      MDB_val key{key_bytes.size(), key_bytes.data()}, value;
      if (mdb_get(txn, chunks, &key, &value) != 0) break;
      const auto* p = static_cast<const uint8_t*>(value.mv_data);
      out.insert(out.end(), p, p + value.mv_size);
    }
    mdb_txn_abort(txn);
    bytes_read += out.size();
  }
  double seconds = mono_seconds() - start;
  mdb_env_close(env);
  return seconds;
}

}  // namespace allo::bench
