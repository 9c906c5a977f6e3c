#pragma once
// The databases the store contract suite runs against. Each test gets a fresh database: a temporary
// SQLite file, or a uniquely named PostgreSQL schema (dropped afterwards), so tests can run in
// parallel processes.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "core/ports/clock.hpp"
#include "security/token_cipher.hpp"
#include "sql/migrations.hpp"
#include "sql/store.hpp"

namespace plm::contract {

/// One implementation under test. `open()` may be called again to reopen the same database.
class Backend {
 public:
  virtual ~Backend() = default;
  /// Why this backend cannot run here (e.g. no PostgreSQL configured), or nullopt.
  virtual std::optional<std::string> skip_reason() const { return std::nullopt; }
  virtual std::unique_ptr<sql::Store> open(security::TokenCipher& cipher, const core::Clock& clock,
                                           const sql::StoreOptions& options = {}) = 0;
  /// A bare connection of the connection layer to this database (no migrations run).
  virtual std::unique_ptr<sql::Connection> connect() = 0;
  /// The database URL open() opens (for other adapters on the same database).
  virtual std::string url() const = 0;
  /// The first column of the first row of `sql` run directly on the database (bypassing the store),
  /// or "" when there is no row: to look at what is stored at rest.
  virtual std::string raw_text(const std::string& sql) = 0;
  std::int64_t raw_count(const std::string& sql) { return std::stoll(raw_text(sql)); }
  /// Runs `sql` (one or more statements) directly on the database, creating it if needed: to set up
  /// states the store would never write, such as a database of an older plm.
  virtual void raw_execute(const std::string& sql) = 0;
  /// The migrations the store applies to this kind of database.
  virtual std::span<const sql::Migration> migrations() const = 0;
};

class SqliteBackend final : public Backend {
 public:
  SqliteBackend();
  ~SqliteBackend() override;
  std::unique_ptr<sql::Store> open(security::TokenCipher& cipher, const core::Clock& clock,
                                   const sql::StoreOptions& options = {}) override;
  std::unique_ptr<sql::Connection> connect() override;
  std::string url() const override { return "sqlite://" + file_.string(); }
  std::string raw_text(const std::string& sql) override;
  void raw_execute(const std::string& sql) override;
  std::span<const sql::Migration> migrations() const override { return sql::sqlite_migrations(); }
  const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path dir_;
  std::filesystem::path file_;
};

class PostgresBackend final : public Backend {
 public:
  PostgresBackend();
  ~PostgresBackend() override;
  std::optional<std::string> skip_reason() const override;
  std::unique_ptr<sql::Store> open(security::TokenCipher& cipher, const core::Clock& clock,
                                   const sql::StoreOptions& options = {}) override;
  std::unique_ptr<sql::Connection> connect() override;
  std::string url() const override { return url_; }
  std::string raw_text(const std::string& sql) override;
  void raw_execute(const std::string& sql) override;
  std::span<const sql::Migration> migrations() const override { return sql::postgres_migrations(); }
  /// Every connection to this backend's schema says so in pg_stat_activity.
  const std::string& application_name() const { return schema_; }

 private:
  std::string base_url_;
  std::string schema_;
  std::string url_;  ///< base_url_ with search_path set to schema_, and application_name
};

}  // namespace plm::contract
