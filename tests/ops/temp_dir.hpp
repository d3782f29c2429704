// A fresh directory under $TMPDIR (or /tmp), removed with its contents on
// destruction. Throws std::runtime_error when it cannot be created.
#pragma once

#include <filesystem>
#include <string>

namespace allo::testing {

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "allo-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // Writes `text` to path()/name; returns the file's path.
  std::filesystem::path write(const std::string& name, const std::string& text) const;

 private:
  std::filesystem::path path_;
};

}  // namespace allo::testing
