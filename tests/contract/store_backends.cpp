#include "store_backends.hpp"

#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <pqxx/pqxx>
#include <random>
#include <stdexcept>

#include "sql/postgres_connection.hpp"
#include "sql/sqlite_connection.hpp"

namespace plm::contract {

namespace fs = std::filesystem;

SqliteBackend::SqliteBackend() {
  std::string pattern = (fs::temp_directory_path() / "plm-contract-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  file_ = dir_ / "plm.db";
}

SqliteBackend::~SqliteBackend() {
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

std::unique_ptr<sql::Store> SqliteBackend::open(security::TokenCipher& cipher,
                                                const core::Clock& clock,
                                                const sql::StoreOptions& options) {
  return sql::open_store("sqlite://" + file_.string(), cipher, clock, options);
}

std::unique_ptr<sql::Connection> SqliteBackend::connect() {
  return sql::open_sqlite(file_.string(), {});
}

std::string SqliteBackend::raw_text(const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(file_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    throw std::runtime_error("cannot open " + file_.string());
  }
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
    const std::string message = sqlite3_errmsg(db);
    sqlite3_close(db);
    throw std::runtime_error(message);
  }
  std::string text;
  if (sqlite3_step(statement) == SQLITE_ROW && sqlite3_column_text(statement, 0) != nullptr) {
    text = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
  }
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return text;
}

void SqliteBackend::raw_execute(const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(file_.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
          SQLITE_OK ||
      sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    const std::string message = sqlite3_errmsg(db);
    sqlite3_close(db);
    throw std::runtime_error(message);
  }
  sqlite3_close(db);
}

PostgresBackend::PostgresBackend() {
  const char* url = std::getenv("PLM_TEST_POSTGRES_URL");
  if (url == nullptr || *url == '\0') return;
  base_url_ = url;
  // ctest runs every test in its own process, two at a time: pid, a counter and a random number
  // keep schema names apart even across machines sharing one server.
  static std::atomic<int> counter{0};
  std::random_device random;
  schema_ = "plm_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" +
            std::to_string(random() % 1000000);
  url_ = base_url_ + (base_url_.find('?') == std::string::npos ? "?" : "&") +
         "options=-csearch_path%3D" + schema_ + "&application_name=" + schema_;
  pqxx::connection connection(base_url_);
  pqxx::nontransaction(connection).exec("CREATE SCHEMA " + schema_);
}

PostgresBackend::~PostgresBackend() {
  if (schema_.empty()) return;
  try {
    pqxx::connection connection(base_url_);
    pqxx::nontransaction work(connection);
    work.exec("SET client_min_messages = warning");
    work.exec("DROP SCHEMA " + schema_ + " CASCADE");
  } catch (const std::exception&) {
    // Leave the schema behind rather than throw from a destructor; the server is throwaway.
  }
}

std::optional<std::string> PostgresBackend::skip_reason() const {
  if (base_url_.empty()) {
    return "PLM_TEST_POSTGRES_URL is not set; run under scripts/with-postgres.sh to test "
           "PostgreSQL";
  }
  return std::nullopt;
}

std::unique_ptr<sql::Store> PostgresBackend::open(security::TokenCipher& cipher,
                                                  const core::Clock& clock,
                                                  const sql::StoreOptions& options) {
  return sql::open_store(url_, cipher, clock, options);
}

std::unique_ptr<sql::Connection> PostgresBackend::connect() { return sql::open_postgres(url_, {}); }

std::string PostgresBackend::raw_text(const std::string& sql) {
  pqxx::connection connection(url_);
  pqxx::nontransaction work(connection);
  const auto result = work.exec(sql);
  if (result.empty() || result[0][0].is_null()) return "";
  return result[0][0].c_str();
}

void PostgresBackend::raw_execute(const std::string& sql) {
  pqxx::connection connection(url_);
  pqxx::nontransaction work(connection);
  work.exec("SET client_min_messages = warning");
  work.exec(sql);
}

}  // namespace plm::contract
