// The three daemons as `make run` wires them, on free loopback ports:
// allo-assetd (LMDB in a temp dir), allo-sfu, and alloplace linked to both.
// Each is ready when its /metrics answers. Destruction stops them (SIGTERM,
// then SIGKILL) and removes the temp dir. Not thread-safe.
#pragma once

#include <memory>

#include "tests/integration/place_process.hpp"
#include "tests/ops/temp_dir.hpp"
#include "tests/support/child_process.hpp"

namespace allo::testing {

class DaemonStack {
 public:
  // Throws std::runtime_error when allo-assetd or allo-sfu does not start.
  DaemonStack();
  ~DaemonStack();

  PlaceProcess& place() { return *place_; }
  uint16_t sfu_metrics_port() const { return sfu_metrics_; }
  uint16_t assetd_metrics_port() const { return assetd_metrics_; }

 private:
  TempDir dir_;
  uint16_t assetd_link_, assetd_metrics_, sfu_link_, sfu_direct_, sfu_metrics_;
  std::unique_ptr<ChildProcess> assetd_;
  std::unique_ptr<ChildProcess> sfu_;
  std::unique_ptr<PlaceProcess> place_;
};

}  // namespace allo::testing
