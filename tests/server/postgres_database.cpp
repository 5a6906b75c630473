#include "postgres_database.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <memory>
#include <random>
#include <vector>

namespace nodelock::server::testing {

namespace {

// Written by scripts/postgres_test_cluster.sh when ctest starts the cluster.
constexpr const char* kClusterUrlFile = NODELOCK_BINARY_DIR "/postgres-test-cluster/url";
constexpr const char* kAdminDatabase = "/postgres?";

struct Finish {
  void operator()(PGconn* connection) const { PQfinish(connection); }
};
using Session = std::unique_ptr<PGconn, Finish>;
struct Clear {
  void operator()(PGresult* result) const { PQclear(result); }
};
using Rows = std::unique_ptr<PGresult, Clear>;

std::string cluster_url() {
  std::ifstream in(kClusterUrlFile);
  std::string url;
  std::getline(in, url);
  return url;
}

// `sql`'s rows on `session`; fails the test when it fails.
Rows run(PGconn* session, const std::string& sql) {
  Rows rows(PQexec(session, sql.c_str()));
  const ExecStatusType status = PQresultStatus(rows.get());
  EXPECT_TRUE(status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
      << sql << ": " << PQerrorMessage(session);
  return rows;
}

}  // namespace

std::string new_postgres_database() {
  const std::string admin_url = cluster_url();
  if (admin_url.find(kAdminDatabase) == std::string::npos) {
    ADD_FAILURE() << "no PostgreSQL test cluster is running (" << kClusterUrlFile
                  << " is missing); run the tests with ctest, or start one with "
                     "scripts/postgres_test_cluster.sh start BUILD_DIR/postgres-test-cluster";
    return "postgresql:///no-test-cluster-running";
  }
  static std::atomic<int> made{0};
  const std::string name = "nodelock_test_" + std::to_string(getpid()) + "_" +
                           std::to_string(made++) + "_" +
                           std::to_string(std::random_device{}() % 1000000);
  Session session(PQconnectdb(admin_url.c_str()));
  EXPECT_EQ(PQstatus(session.get()), CONNECTION_OK) << PQerrorMessage(session.get());
  run(session.get(), "CREATE DATABASE " + name);
  std::string url = admin_url;
  url.replace(url.find(kAdminDatabase), std::string(kAdminDatabase).size(), "/" + name + "?");
  return url;
}

std::string postgres_rows(const std::string& url) {
  Session session(PQconnectdb(url.c_str()));
  EXPECT_EQ(PQstatus(session.get()), CONNECTION_OK) << PQerrorMessage(session.get());
  Rows tables = run(session.get(),
                    "SELECT table_name FROM information_schema.tables "
                    "WHERE table_schema = 'public' ORDER BY table_name");
  std::string text;
  for (int i = 0; i < PQntuples(tables.get()); ++i) {
    const std::string table = PQgetvalue(tables.get(), i, 0);
    Rows rows = run(session.get(), "SELECT t::text FROM " + table + " t");
    for (int row = 0; row < PQntuples(rows.get()); ++row) {
      text += table + " " + PQgetvalue(rows.get(), row, 0) + "\n";
    }
  }
  return text;
}

}  // namespace nodelock::server::testing
