// The recording-rule names and expressions of a Prometheus rules file, read
// from its "record:" and "expr:" lines (plain, quoted or "|" block scalars),
// as ops/prometheus/*.rules.yml writes them. Pure; no YAML library (none is
// packaged): promtool validates the file itself.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace allo::testing {

struct RulesFile {
  std::vector<std::string> records;  // recording-rule names
  std::vector<std::string> exprs;    // every rule's expression
};

RulesFile parse_rules_file(std::string_view yaml);

}  // namespace allo::testing
