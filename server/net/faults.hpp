// What the shell does with an exception no handler expected: the fault stays inside the one
// request, connection or meeting task it hit. Each place catches, logs once with its context,
// counts it in /metrics and closes what it hit (500, or WebSocket close 1011); the process and
// every other meeting carry on.
//
// Test-only fault injection: with EVERYVOICE_TEST_FAULTS=1 in the environment (read once, at
// start), a request for /__test/fault and the WebSocket texts "__fault:websocket", "__fault:room"
// and "__fault:store" make the handler of that place throw (tests/integration/hostile_test.cpp).
// Without the variable these are ordinary unknown paths and malformed messages.
#pragma once

#include <atomic>
#include <cstdint>
#include <stdexcept>
#include <string_view>

namespace everyvoice::net {

enum class FaultPlace { http, websocket, room, store, loop };

// Logs the fault (what, where, and the context such as "meeting 12") and counts it.
void report_fault(FaultPlace place, std::string_view context, const std::exception* e);

bool test_faults_enabled();

struct InjectedFault : std::runtime_error {
  InjectedFault() : std::runtime_error("injected test fault") {}
};

}  // namespace everyvoice::net
