// everyvoice: the meeting facilitation server. Flags are listed by --help and in the README.
//   everyvoice [--config=FILE] [--flag=value ...]       serve
//   everyvoice --version
//   everyvoice backup FILE [--data-dir=DIR | --config=FILE]            an online backup of the database into FILE
//   everyvoice export-events MEETING [--data-dir=DIR | --config=FILE]  one meeting's stored events, as JSON lines
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "net/server.hpp"
#include "net/settings.hpp"
#include "store/sqlite_backend.hpp"

namespace {

// The operator commands: the word, one argument, then the usual flags (only --data-dir matters,
// alone or from the --config file).
int run_command(const std::string& command, int argc, char** argv) {
  if (argc < 3 || std::string(argv[2]).rfind("--", 0) == 0) {
    std::fprintf(stderr, "everyvoice %s: missing %s\n", command.c_str(), command == "backup" ? "FILE" : "MEETING (its number)");
    return 2;
  }
  const std::string argument = argv[2];
  std::vector<char*> rest{argv[0]};
  for (int i = 3; i < argc; ++i) rest.push_back(argv[i]);
  std::string error, help;
  const auto settings = everyvoice::net::parse_settings(static_cast<int>(rest.size()), rest.data(), error, help);
  if (!settings) {
    std::fprintf(stderr, "everyvoice %s: %s\n", command.c_str(), help.empty() ? error.c_str() : "takes --data-dir or --config");
    return 2;
  }
  const std::string db = settings->data_dir + "/everyvoice.db";
  if (command == "backup") {
    std::string report;
    if (!everyvoice::store::SqliteBackend::backup(db, argument, report)) {
      std::fprintf(stderr, "everyvoice backup: %s\n", report.c_str());
      return 1;
    }
    std::printf("everyvoice backup: %s -> %s: %s\n", db.c_str(), argument.c_str(), report.c_str());
    return 0;
  }
  std::int64_t meeting = 0;
  try {
    meeting = std::stoll(argument);
  } catch (const std::exception&) {
    std::fprintf(stderr, "everyvoice export-events: MEETING is the meeting's number, as in the log\n");
    return 2;
  }
  if (!everyvoice::store::SqliteBackend::export_events(db, meeting, std::cout, error)) {
    std::fprintf(stderr, "everyvoice export-events: %s\n", error.c_str());
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && (std::string(argv[1]) == "backup" || std::string(argv[1]) == "export-events"))
    return run_command(argv[1], argc, argv);
  std::string error, help;
  const auto settings = everyvoice::net::parse_settings(argc, argv, error, help);
  if (!settings) {
    if (!help.empty()) {
      std::fputs(help.c_str(), stdout);
      if (help.rfind("everyvoice ", 0) == 0) return 0;  // --version
      std::fputs("\ncommands:\n  everyvoice backup FILE [--data-dir=DIR | --config=FILE]            online backup of the database into FILE\n"
                 "  everyvoice export-events MEETING [--data-dir=DIR | --config=FILE]  one meeting's stored events, as JSON lines\n",
                 stdout);
      return 0;
    }
    std::fprintf(stderr, "everyvoice: %s\n", error.c_str());
    return 2;
  }
  return everyvoice::net::run_server(*settings);
}
