#include "place/acl_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "place/default_acl_rules.hpp"

namespace allo::place {

namespace {

constexpr size_t kMinAdminTokenBytes = 16;

proto::Result<std::string> read_file(const std::string& path, const std::string& setting) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return proto::fail("bad_config", setting + ": cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

proto::Result<guard::AclRules> load_acl_file(const std::string& path) {
  if (path.empty()) return default_acl_rules();
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 && errno == ENOENT) {
    auto rules = default_acl_rules();
    if (auto saved = save_acl_file(path, rules); !saved)
      return proto::fail("bad_config", "acl-file: " + saved.error().detail);
    return rules;
  }
  auto text = read_file(path, "acl-file");
  if (!text) return std::unexpected(text.error());
  auto doc = nlohmann::json::parse(*text, nullptr, false);
  if (doc.is_discarded()) return proto::fail("bad_config", "acl-file: " + path + " is not JSON");
  auto rules = guard::AclRules::from_json(doc);
  if (!rules) {
    return proto::fail("bad_config", "acl-file: " + path + ": " + rules.error().code + ": " +
                                         rules.error().detail);
  }
  return rules;
}

proto::Result<void> save_acl_file(const std::string& path, const guard::AclRules& rules) {
  std::string text = rules.to_json().dump(2) + "\n";
  std::string tmp = path + ".tmp";
  auto fail = [&](const char* what) {
    std::string detail = std::string(what) + " " + tmp + ": " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return proto::fail("acl_not_saved", detail);
  };
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return proto::fail("acl_not_saved", "cannot create " + tmp + ": " + std::strerror(errno));
  for (size_t done = 0; done < text.size();) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return fail("cannot write");
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    return fail("cannot sync");
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return fail("cannot rename");
  return {};
}

proto::Result<std::string> read_admin_token(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return proto::fail("bad_config", "admin-token-file: cannot read " + path);
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    return proto::fail("bad_config", "admin-token-file: " + path +
                                         " must not be accessible to group or others (chmod 600)");
  }
  auto text = read_file(path, "admin-token-file");
  if (!text) return std::unexpected(text.error());
  std::string token = *text;
  auto is_space = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
  while (!token.empty() && is_space(token.back())) token.pop_back();
  size_t start = 0;
  while (start < token.size() && is_space(token[start])) ++start;
  token.erase(0, start);
  if (token.size() < kMinAdminTokenBytes) {
    return proto::fail("bad_config", "admin-token-file: " + path +
                                         " must hold a token of at least " +
                                         std::to_string(kMinAdminTokenBytes) + " bytes");
  }
  return token;
}

}  // namespace allo::place
