// A private PostgreSQL cluster for tests: Debian's PostgreSQL binaries, initdb in a temporary
// folder, listening only on a unix socket in that folder (no TCP port), trust authentication for
// the one superuser "everyvoice". Stopped (immediate) and removed on destruction. As root, the
// server runs as the "postgres" user that Debian's package creates (PostgreSQL refuses root).
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace everyvoice::testing {

class PostgresCluster {
 public:
  // nullptr with `error` set when the binaries are missing or the cluster does not start.
  static std::unique_ptr<PostgresCluster> start(std::string& error);
  ~PostgresCluster();
  PostgresCluster(const PostgresCluster&) = delete;
  PostgresCluster& operator=(const PostgresCluster&) = delete;

  // libpq's URL of database `db` (created by create_database) on this cluster.
  std::string url(const std::string& db) const;
  // A new empty database; false with `error` on failure.
  bool create_database(const std::string& name, std::string& error);
  const std::string& folder() const { return folder_; }
  // SIGKILLs the postmaster (a database that dies) and starts it again; false with `error`.
  bool restart(std::string& error);

 private:
  PostgresCluster(std::string bin, std::string folder, bool as_postgres)
      : bin_(std::move(bin)), folder_(std::move(folder)), as_postgres_(as_postgres) {}
  int run(const std::string& command) const;  // as the cluster's owner; the exit status
  bool start_server(std::string& error);

  std::string bin_;     // Debian's /usr/lib/postgresql/<version>/bin
  std::string folder_;  // data in folder_/data, socket in folder_, log in folder_/log
  bool as_postgres_;
};

// A private cluster with one empty database, "everyvoice", for one test. Throws when it cannot
// start.
struct PostgresDatabase {
  std::unique_ptr<PostgresCluster> cluster;
  std::string url;

  PostgresDatabase();
  // The rows of a query, as text.
  std::vector<std::vector<std::string>> rows(const std::string& sql) const;
};

}  // namespace everyvoice::testing
