#include "allo/request_table.hpp"

namespace allo::client {

RequestTable::RequestTable(std::string prefix) : prefix_(std::move(prefix)) {
  if (prefix_.empty()) prefix_ = "r";
}

std::string RequestTable::next_id() {
  return prefix_ + "-" + std::to_string(++counter_);
}

void RequestTable::add(const std::string& id, std::string to, double deadline,
                       ResponseCallback callback) {
  pending_[id] = Pending{std::move(to), deadline, std::move(callback)};
}

std::optional<ResponseCallback> RequestTable::take(const std::string& id) {
  auto it = pending_.find(id);
  if (it == pending_.end()) return std::nullopt;
  ResponseCallback cb = std::move(it->second.callback);
  pending_.erase(it);
  return cb;
}

std::vector<RequestTable::Expired> RequestTable::take_expired(double now) {
  std::vector<Expired> out;
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->second.deadline <= now) {
      out.push_back({it->first, std::move(it->second.to), std::move(it->second.callback)});
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

std::vector<RequestTable::Expired> RequestTable::take_all() {
  std::vector<Expired> out;
  for (auto& [id, p] : pending_) out.push_back({id, std::move(p.to), std::move(p.callback)});
  pending_.clear();
  return out;
}

}  // namespace allo::client
