#include "place/acl_command.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

#include "place/acl_file.hpp"

namespace allo::place {

namespace {

constexpr const char* kUsage =
    "usage: alloplace acl list --acl-file PATH\n"
    "       alloplace acl add POSITION allow|deny PATTERN --acl-file PATH\n"
    "       alloplace acl remove POSITION --acl-file PATH\n";

bool parse_position(const std::string& word, size_t& out) {
  auto [p, ec] = std::from_chars(word.data(), word.data() + word.size(), out);
  return ec == std::errc() && p == word.data() + word.size();
}

}  // namespace

int run_acl_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::string path;
  std::vector<std::string> words;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--acl-file" && i + 1 < args.size()) {
      path = args[++i];
    } else if (args[i].starts_with("--acl-file=")) {
      path = args[i].substr(11);
    } else {
      words.push_back(args[i]);
    }
  }
  if (path.empty() || words.empty()) {
    err << "alloplace acl: " << (path.empty() ? "--acl-file PATH is required\n" : "no command\n")
        << kUsage;
    return 2;
  }
  auto rules = load_acl_file(path);
  if (!rules) {
    err << "alloplace acl: " << rules.error().detail << "\n";
    return 2;
  }
  const std::string& command = words[0];
  if (command == "list" && words.size() == 1) {
    out << "default " << guard::to_string(rules->default_action()) << "\n";
    for (size_t i = 0; i < rules->size(); ++i) {
      const auto& rule = rules->list()[i];
      out << i << " " << guard::to_string(rule.action) << " "
          << nlohmann::json(rule.pattern.source()).dump() << "\n";
    }
    return 0;
  }
  size_t position = 0;
  bool has_position = words.size() > 1 && parse_position(words[1], position);
  if (command == "add" && words.size() == 4 && has_position) {
    auto action = guard::parse_acl_action(words[2]);
    auto inserted = action ? rules->insert(position, *action, words[3])
                           : proto::Result<void>(std::unexpected(action.error()));
    if (!inserted) {
      err << "alloplace acl add: " << inserted.error().code << ": " << inserted.error().detail
          << "\n";
      return 1;
    }
  } else if (command == "remove" && words.size() == 2 && has_position) {
    if (!rules->remove(position)) {
      err << "alloplace acl remove: no rule at position " << position << " (" << rules->size()
          << " rules)\n";
      return 1;
    }
  } else {
    err << "alloplace acl: bad command\n" << kUsage;
    return 2;
  }
  if (auto saved = save_acl_file(path, *rules); !saved) {
    err << "alloplace acl: " << saved.error().detail << "\n";
    return 1;
  }
  out << command << " ok (" << rules->size() << " rules in " << path << ")\n";
  return 0;
}

}  // namespace allo::place
