// What only the PostgreSQL store has: its statements renumbered for libpq, a
// clear refusal when the database cannot be reached, and a connection lost
// under it (a restarted or failed-over database) costing one write, not the
// server.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <memory>
#include <string>

#include "postgres/statement_text.h"
#include "postgres_database.h"
#include "store_fixture.h"

namespace nodelock::server::testing {
namespace {

TEST(PostgresStatementText, NumbersPlainParametersAfterTheLargestBeforeThem) {
  EXPECT_EQ(postgres::postgres_statement("SELECT a FROM t WHERE b = ? AND c = ?"),
            "SELECT a FROM t WHERE b = $1 AND c = $2");
  EXPECT_EQ(postgres::postgres_statement("UPDATE t SET a = ?2 WHERE id = ?1 AND b < ?"),
            "UPDATE t SET a = $2 WHERE id = $1 AND b < $3");
  EXPECT_EQ(postgres::postgres_statement("SELECT '?' || ?10"), "SELECT '?' || $10");
}

TEST(PostgresStore, AnUnreachableDatabaseIsRefusedSayingWhatToCheck) {
  TempDir dir;
  auto store = open_store("postgresql:///nodelock?host=" + (dir / "no-socket-here").string());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.code(), ErrorCode::io_error);
  EXPECT_NE(store.message().find("cannot connect to the license database"), std::string::npos)
      << store.message();
  EXPECT_NE(store.message().find("check the --db URL"), std::string::npos) << store.message();
}

TEST(PostgresStore, AnUnknownSchemeNamesBothStores) {
  auto store = open_store("mysql://db/licenses");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.code(), ErrorCode::invalid_argument);
  EXPECT_NE(store.message().find("postgresql://"), std::string::npos) << store.message();
  EXPECT_NE(store.message().find("sqlite:PATH"), std::string::npos) << store.message();
}

// Ends every other session on the database at `url`, as a restart of the
// database or a failover would.
void end_other_sessions(const std::string& url) {
  std::unique_ptr<PGconn, void (*)(PGconn*)> session(PQconnectdb(url.c_str()), PQfinish);
  ASSERT_EQ(PQstatus(session.get()), CONNECTION_OK) << PQerrorMessage(session.get());
  PGresult* ended = PQexec(session.get(),
                           "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                           "WHERE datname = current_database() AND pid <> pg_backend_pid()");
  EXPECT_EQ(PQresultStatus(ended), PGRES_TUPLES_OK) << PQerrorMessage(session.get());
  EXPECT_NE(std::string(PQgetvalue(ended, 0, 0)), "0");
  PQclear(ended);
}

TEST(PostgresStore, AWriteOnALostConnectionFailsAsIoErrorChangingNothingAndTheNextReconnects) {
  const std::string url = new_postgres_database();
  auto store = open_store(url);
  ASSERT_TRUE(store.ok()) << store.message();
  ASSERT_TRUE((*store)->add_product({"acme-cad", "Acme CAD", kNow}, kByAdmin).ok());
  ASSERT_TRUE((*store)->product("acme-cad").ok());

  end_other_sessions(url);

  Status lost = (*store)->add_license(license_record("lic-1", 3), kByAdmin);
  ASSERT_FALSE(lost.ok());
  EXPECT_EQ(lost.code(), ErrorCode::io_error) << lost.message();
  EXPECT_NE(lost.message().find("connection to PostgreSQL was lost"), std::string::npos)
      << lost.message();
  // A read on a lost reader fails once too; its connection is not lent again.
  (void)(*store)->license("lic-1");
  auto missing = (*store)->license("lic-1");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.code(), ErrorCode::not_found) << missing.message();

  Status again = (*store)->add_license(license_record("lic-1", 3), kByAdmin);
  ASSERT_TRUE(again.ok()) << again.message();
  EXPECT_TRUE((*store)->license("lic-1").ok());
}

}  // namespace
}  // namespace nodelock::server::testing
