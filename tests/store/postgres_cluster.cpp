#include "store/postgres_cluster.hpp"

#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <libpq-fe.h>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace everyvoice::testing {
namespace fs = std::filesystem;

namespace {
constexpr const char* port = "5432";  // the socket's name only: no TCP port is opened

std::string newest_bin() {
  std::vector<fs::path> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec))
    if (fs::exists(entry.path() / "bin" / "initdb")) found.push_back(entry.path() / "bin");
  if (found.empty()) return "";
  std::sort(found.begin(), found.end(), [](const fs::path& a, const fs::path& b) {
    return std::stoi(a.parent_path().filename().string()) < std::stoi(b.parent_path().filename().string());
  });
  return found.back().string();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}
}  // namespace

std::unique_ptr<PostgresCluster> PostgresCluster::start(std::string& error) {
  const std::string bin = newest_bin();
  if (bin.empty()) {
    error = "PostgreSQL is not installed (apt-get install postgresql; deploy/setup.sh does)";
    return nullptr;
  }
  char name[] = "/tmp/everyvoice-pg-XXXXXX";
  if (!::mkdtemp(name)) {
    error = "cannot make a temporary folder";
    return nullptr;
  }
  const bool root = ::geteuid() == 0;
  std::unique_ptr<PostgresCluster> cluster(new PostgresCluster(bin, name, root));
  if (root) {
    const passwd* pw = ::getpwnam("postgres");
    if (!pw || ::chown(name, pw->pw_uid, pw->pw_gid) != 0) {
      error = "running as root needs the postgres user of Debian's postgresql package";
      return nullptr;
    }
  }
  if (cluster->run("'" + bin + "/initdb' -D '" + cluster->folder_ + "/data' -U everyvoice -A trust --no-sync -E UTF8 >'" +
                   cluster->folder_ + "/initdb.log' 2>&1") != 0) {
    error = "initdb failed: " + read_file(cluster->folder_ + "/initdb.log");
    return nullptr;
  }
  if (!cluster->start_server(error)) return nullptr;
  return cluster;
}

bool PostgresCluster::start_server(std::string& error) {
  // fsync stays on: the tests measure and rely on what a real server does at commit.
  const std::string options = "-c listen_addresses='' -k '" + folder_ + "' -p " + port;
  if (run("'" + bin_ + "/pg_ctl' -D '" + folder_ + "/data' -l '" + folder_ + "/log' -w -t 60 -o \"" + options +
          "\" start >/dev/null 2>&1") != 0) {
    error = "PostgreSQL did not start: " + read_file(folder_ + "/log");
    return false;
  }
  return true;
}

PostgresCluster::~PostgresCluster() {
  run("'" + bin_ + "/pg_ctl' -D '" + folder_ + "/data' -m immediate -w stop >/dev/null 2>&1");
  std::error_code ec;
  fs::remove_all(folder_, ec);
}

int PostgresCluster::run(const std::string& command) const {
  // The folder is ours (mkdtemp) and `command` quotes it: no input from outside reaches the shell.
  std::string line = command;
  if (as_postgres_) {
    line = "runuser -u postgres -- sh -c '";
    for (char c : command) line += c == '\'' ? std::string("'\\''") : std::string(1, c);
    line += "'";
  }
  const int status = std::system(line.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string PostgresCluster::url(const std::string& db) const {
  return "postgresql://everyvoice@/" + db + "?host=" + folder_ + "&port=" + port;
}

bool PostgresCluster::create_database(const std::string& name, std::string& error) {
  PGconn* conn = PQconnectdb(url("postgres").c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    error = PQerrorMessage(conn);
    PQfinish(conn);
    return false;
  }
  PGresult* r = PQexec(conn, ("CREATE DATABASE \"" + name + "\"").c_str());
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  if (!ok) error = PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(conn);
  return ok;
}

bool PostgresCluster::restart(std::string& error) {
  const std::string pid = read_file(folder_ + "/data/postmaster.pid");
  const long postmaster = std::strtol(pid.c_str(), nullptr, 10);
  if (postmaster > 0) ::kill(static_cast<pid_t>(postmaster), SIGKILL);
  for (int i = 0; i < 100 && postmaster > 0 && ::kill(static_cast<pid_t>(postmaster), 0) == 0; ++i) ::usleep(50'000);
  return start_server(error);
}

PostgresDatabase::PostgresDatabase() {
  std::string error;
  cluster = PostgresCluster::start(error);
  if (!cluster) throw std::runtime_error("the test's PostgreSQL cluster: " + error);
  if (!cluster->create_database("everyvoice", error)) throw std::runtime_error(error);
  url = cluster->url("everyvoice");
}

std::vector<std::vector<std::string>> PostgresDatabase::rows(const std::string& sql) const {
  PGconn* conn = PQconnectdb(url.c_str());
  PGresult* r = PQexec(conn, sql.c_str());
  std::vector<std::vector<std::string>> out;
  for (int i = 0; i < PQntuples(r); ++i) {
    std::vector<std::string> row;
    for (int j = 0; j < PQnfields(r); ++j) row.emplace_back(PQgetvalue(r, i, j));
    out.push_back(std::move(row));
  }
  PQclear(r);
  PQfinish(conn);
  return out;
}

}  // namespace everyvoice::testing
