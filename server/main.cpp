// everyvoice: the meeting facilitation server. Flags are listed by --help and in the README.
#include <cstdio>

#include "net/server.hpp"
#include "net/settings.hpp"

int main(int argc, char** argv) {
  std::string error, help;
  const auto settings = everyvoice::net::parse_settings(argc, argv, error, help);
  if (!settings) {
    if (!help.empty()) {
      std::fputs(help.c_str(), stdout);
      return 0;
    }
    std::fprintf(stderr, "everyvoice: %s\n", error.c_str());
    return 2;
  }
  return everyvoice::net::run_server(*settings);
}
