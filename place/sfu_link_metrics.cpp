#include "place/sfu_link_metrics.hpp"

namespace allo::place {

using prometheus::BuildCounter;
using prometheus::BuildGauge;

SfuLinkMetrics::SfuLinkMetrics(prometheus::Registry& r)
    : up_(BuildGauge()
              .Name("alloplace_sfu_link_up")
              .Help("1 while the link to allo-sfu is connected and welcomed")
              .Register(r)
              .Add({})),
      ups_(BuildCounter()
               .Name("alloplace_sfu_link_ups_total")
               .Help("Times the link to allo-sfu came up")
               .Register(r)
               .Add({})),
      load_(BuildGauge()
                .Name("alloplace_sfu_load")
                .Help("The last load report of allo-sfu, by field")
                .Register(r)),
      workers_(load_.Add({{"field", "workers"}})),
      tracks_(load_.Add({{"field", "tracks"}})),
      listeners_(load_.Add({{"field", "listeners"}})),
      packets_in_(load_.Add({{"field", "packets_in"}})),
      packets_out_(load_.Add({{"field", "packets_out"}})),
      packets_dropped_(load_.Add({{"field", "packets_dropped"}})) {}

void SfuLinkMetrics::set_link_up(bool up) {
  if (up && up_.Value() == 0) ups_.Increment();
  up_.Set(up ? 1 : 0);
}

void SfuLinkMetrics::set_load(const proto::sfu_link::LoadReport& load) {
  workers_.Set(static_cast<double>(load.workers));
  tracks_.Set(static_cast<double>(load.tracks));
  listeners_.Set(static_cast<double>(load.listeners));
  packets_in_.Set(static_cast<double>(load.packets_in));
  packets_out_.Set(static_cast<double>(load.packets_out));
  packets_dropped_.Set(static_cast<double>(load.packets_dropped));
}

}  // namespace allo::place
