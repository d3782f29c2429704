// Raw LMDB read baseline for asset_bench: reads every chunk of an asset from
// allo-assetd's store (read-only, beside the live daemon) with one read
// transaction and copies the bytes out, as the hit path must.
#pragma once

#include <cstdint>
#include <string>

namespace allo::bench {

// Seconds to read all of `asset_id` `repeats` times from the store in `db_dir`;
// `bytes_read` gets the total. Throws std::runtime_error on LMDB errors.
double lmdb_read_seconds(const std::string& db_dir, const std::string& asset_id, int repeats,
                         uint64_t& bytes_read);

}  // namespace allo::bench
