// The whole network shell: binds the port, runs the I/O threads, stops cleanly on SIGINT/SIGTERM.
#pragma once

#include "net/settings.hpp"

namespace everyvoice::net {

// Runs until SIGINT or SIGTERM: then stops accepting, closes every WebSocket with 1001 and
// returns 0. Returns 1 when the port cannot be bound.
int run_server(const Settings& settings);

}  // namespace everyvoice::net
