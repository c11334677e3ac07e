#include "net/faults.hpp"

#include <cstdlib>
#include <string>

#include "net/log.hpp"
#include "net/metrics.hpp"

namespace everyvoice::net {

void report_fault(FaultPlace place, std::string_view context, const std::exception* e) {
  const char* where = "loop";
  switch (place) {
    case FaultPlace::http: where = "http", metrics().faults_http++; break;
    case FaultPlace::websocket: where = "websocket", metrics().faults_websocket++; break;
    case FaultPlace::room: where = "room", metrics().faults_room++; break;
    case FaultPlace::store: where = "store", metrics().faults_store++; break;
    case FaultPlace::loop: metrics().faults_loop++; break;
  }
  log(LogLevel::error, std::string("fault in ") + where + " handler (" + std::string(context) +
                           "): " + (e ? e->what() : "unknown exception"));
}

bool test_faults_enabled() {
  static const bool enabled = [] {
    const char* v = std::getenv("EVERYVOICE_TEST_FAULTS");
    return v && std::string_view(v) == "1";
  }();
  return enabled;
}

}  // namespace everyvoice::net
