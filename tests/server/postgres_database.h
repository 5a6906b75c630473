// Databases of the throwaway PostgreSQL cluster the test run starts
// (scripts/postgres_test_cluster.sh, run by ctest as the fixture "postgres").
#pragma once

#include <string>

namespace nodelock::server::testing {

// The URL of a new, empty database of its own in the test cluster, so tests
// running at once never see each other's records. Fails the test, and
// returns a URL that names the problem, when no cluster is running.
std::string new_postgres_database();

// Every row of every table of the database at `url`, as text: what the
// database holds, for tests of what must never be stored.
std::string postgres_rows(const std::string& url);

}  // namespace nodelock::server::testing
