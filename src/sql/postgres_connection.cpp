#include "sql/postgres_connection.hpp"

#include <array>
#include <charconv>
#include <optional>
#include <pqxx/pqxx>
#include <utility>
#include <vector>

namespace plm::sql {
namespace {

// Any constant works, as long as every plm process uses the same one: it serialises migrations.
constexpr std::int64_t kMigrationLockKey = 0x706c6d5f6d6967;  // "plm_mig"

/// libpq's first line ("ERROR:  duplicate key value violates unique constraint ..."). The DETAIL
/// lines that follow can quote row values, so they are dropped.
std::string first_line(const char* what) {
  std::string text = what;
  text = text.substr(0, text.find('\n'));
  if (text.starts_with("ERROR:")) text.erase(0, text.find_first_not_of(' ', 6));
  return text;
}

/// Binary data in bytea's hex input format ("\\x0a1b…"), as a text parameter takes it.
std::string hex_bytea(std::string_view data) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text = "\\x";
  text.reserve(2 + data.size() * 2);
  for (const char byte : data) {
    const auto value = static_cast<unsigned char>(byte);
    text.push_back(kHex[value >> 4]);
    text.push_back(kHex[value & 0x0F]);
  }
  return text;
}

/// A bytea column's text (the hex output format, PostgreSQL's default since 9.0) as the bytes.
std::string bytes_of_bytea(std::string_view text) {
  if (!text.starts_with("\\x") || text.size() % 2 != 0) {
    throw DatabaseError(DatabaseError::Kind::Other,
                        "a bytea column is not in the hex format (bytea_output)");
  }
  const auto nibble = [](char digit) -> int {
    if (digit >= '0' && digit <= '9') return digit - '0';
    if (digit >= 'a' && digit <= 'f') return digit - 'a' + 10;
    if (digit >= 'A' && digit <= 'F') return digit - 'A' + 10;
    throw DatabaseError(DatabaseError::Kind::Other, "a bytea column holds a non-hex digit");
  };
  std::string bytes;
  bytes.reserve((text.size() - 2) / 2);
  for (std::size_t i = 2; i < text.size(); i += 2) {
    bytes.push_back(static_cast<char>(nibble(text[i]) << 4 | nibble(text[i + 1])));
  }
  return bytes;
}

/// A parameter as libpq takes it: text, or NULL. PostgreSQL infers each one's type from where the
/// placeholder stands, as it would for a literal.
std::optional<std::string> as_text(const Param& param) {
  switch (param.type()) {
    case Param::Type::Null:
      return std::nullopt;
    case Param::Type::Integer:
      return std::to_string(param.integer());
    case Param::Type::Boolean:
      return param.boolean() ? "true" : "false";
    case Param::Type::Text:
      return std::string(param.text());
    case Param::Type::Bytes:
      return hex_bytea(param.text());
    case Param::Type::Real: {
      // The shortest text that reads back as the same double (PostgreSQL 12 and later answer
      // with the shortest such text too), so a value round-trips exactly.
      std::array<char, 32> buffer{};
      const auto written =
          std::to_chars(buffer.data(), buffer.data() + buffer.size(), param.real());
      return std::string(buffer.data(), written.ptr);
    }
  }
  return std::nullopt;
}

std::vector<std::optional<std::string>> as_texts(std::span<const Param> params) {
  std::vector<std::optional<std::string>> texts;
  texts.reserve(params.size());
  for (const Param& param : params) texts.push_back(as_text(param));
  return texts;
}

class PostgresRow final : public Row {
 public:
  explicit PostgresRow(const pqxx::row& row) : row_(row) {}
  bool is_null(int column) const override { return row_[column].is_null(); }
  std::string text(int column) const override {
    const auto field = row_[column];
    return field.is_null() ? std::string() : std::string(field.c_str(), field.size());
  }
  std::string bytes(int column) const override {
    const auto field = row_[column];
    return field.is_null() ? std::string() : bytes_of_bytea({field.c_str(), field.size()});
  }
  std::int64_t int64(int column) const override { return as<std::int64_t>(column, 0); }
  bool boolean(int column) const override { return as<bool>(column, false); }
  double real(int column) const override {
    if (row_[column].is_null()) return 0;
    const std::string text = this->text(column);
    double value = 0;
    const auto read = std::from_chars(text.data(), text.data() + text.size(), value);
    if (read.ec != std::errc() || read.ptr != text.data() + text.size()) {
      throw DatabaseError(DatabaseError::Kind::Other, "a floating-point column holds no number");
    }
    return value;
  }

 private:
  template <typename T>
  T as(int column, T if_null) const {
    try {
      return row_[column].as<T>(if_null);
    } catch (const pqxx::conversion_error& error) {
      throw DatabaseError(DatabaseError::Kind::Other, first_line(error.what()));
    }
  }
  const pqxx::row& row_;
};

// COPY rows of libpqxx 6.4 must be tuples of a width known when compiling; std::array counts as
// one. write_rows picks the instance for its number of columns from this table.
constexpr std::size_t kMaxCopyColumns = 16;
using CopyRows = void (*)(pqxx::stream_to&, std::span<const Param>);

template <std::size_t Width>
void copy_rows(pqxx::stream_to& copy, std::span<const Param> values) {
  std::array<std::optional<std::string>, Width> row;
  for (std::size_t start = 0; start < values.size(); start += Width) {
    for (std::size_t column = 0; column < Width; ++column)
      row[column] = as_text(values[start + column]);
    copy << row;
  }
}

template <std::size_t... Index>
constexpr std::array<CopyRows, sizeof...(Index)> make_copiers(std::index_sequence<Index...>) {
  return {&copy_rows<Index + 1>...};
}
constexpr auto kCopiers = make_copiers(std::make_index_sequence<kMaxCopyColumns>());

class PostgresConnection final : public Connection {
 public:
  PostgresConnection(const std::string& url, const PostgresOptions& options)
      : connection_(connect(url)), on_rows_written_(options.on_rows_written_for_test) {
    // Every statement goes through one nontransaction; BEGIN, COMMIT and savepoints are ours. A
    // pqxx::work cannot go on after a failed statement, so it could not roll back to a
    // savepoint, which a unit of work needs.
    statements_.emplace(*connection_);
  }

  ~PostgresConnection() override {
    rollback();
    statements_.reset();
  }

  Dialect dialect() const override { return Dialect::Postgres; }

  void begin(Access access) override {
    if (state_ != State::Idle) throw std::logic_error("a transaction is open already");
    if (access == Access::Read) {
      state_ = State::Reading;
      return;
    }
    guarded([&] { statements_->exec("BEGIN"); });
    state_ = State::Writing;
    aborted_ = false;
  }

  void commit() override {
    if (state_ == State::Reading) {
      state_ = State::Idle;
      return;
    }
    require(State::Writing);
    if (aborted_) {
      // PostgreSQL would answer COMMIT with a silent ROLLBACK; say so instead.
      rollback();
      throw DatabaseError(DatabaseError::Kind::Other,
                          "the transaction was aborted by a failed statement");
    }
    if (is_broken()) {
      state_ = State::Idle;
      throw DatabaseError(DatabaseError::Kind::ConnectionLost, "the connection was lost earlier");
    }
    try {
      guarded([&] { statements_->exec("COMMIT"); });
    } catch (const DatabaseError& error) {
      if (error.kind() == DatabaseError::Kind::ConnectionLost) {
        state_ = State::Idle;
        throw DatabaseError(DatabaseError::Kind::CommitInDoubt, error.what());
      }
      throw;
    }
    state_ = State::Idle;
  }

  void rollback() noexcept override {
    const bool writing = state_ == State::Writing;
    state_ = State::Idle;
    aborted_ = false;
    if (!writing || broken_) return;
    try {
      statements_->exec("ROLLBACK");
    } catch (const std::exception&) {
      broken_ = true;  // no transaction state we can trust: the pool drops the connection
    }
  }

  bool in_transaction() const override { return state_ != State::Idle; }

  void savepoint(std::string_view name) override {
    require(State::Writing);
    run_script("SAVEPOINT " + std::string(name));
  }
  void release_savepoint(std::string_view name) override {
    require(State::Writing);
    run_script("RELEASE SAVEPOINT " + std::string(name));
  }
  void rollback_to_savepoint(std::string_view name) override {
    require(State::Writing);
    const bool was_aborted = aborted_;
    aborted_ = false;
    try {
      run_script("ROLLBACK TO SAVEPOINT " + std::string(name));
    } catch (...) {
      aborted_ = was_aborted || aborted_;
      throw;
    }
  }

  void execute_script(std::string_view sql) override { run_script(std::string(sql)); }

  void write_rows(const RowsTarget& target, std::span<const Param> values) override {
    require(State::Writing);
    const std::size_t width = target.columns.size();
    if (width == 0 || width > kMaxCopyColumns || values.size() % width != 0) {
      throw std::logic_error("write_rows: values do not fill whole rows of up to 16 columns");
    }
    if (values.empty()) return;
    const std::string table(target.table);
    if (target.key_columns.empty()) {
      copy_into(table, target.columns, values);
    } else {
      // COPY cannot resolve conflicts: copy into a scratch table, then upsert from it. Dropped
      // first in case an earlier call of this transaction made one, and at the commit anyway.
      const std::string scratch = "plm_incoming_" + table;
      run_script("DROP TABLE IF EXISTS pg_temp." + scratch + "; CREATE TEMPORARY TABLE " + scratch +
                 " (LIKE " + table + ") ON COMMIT DROP");
      copy_into(scratch, target.columns, values);
      const std::string columns = column_list(target.columns);
      run_script("INSERT INTO " + table + " (" + columns + ") SELECT " + columns + " FROM " +
                 scratch + on_conflict_clause(target));
    }
    if (on_rows_written_) on_rows_written_(values.size() / width);
  }

  std::string_view for_update(RowLock lock) const override {
    return lock == RowLock::SkipLocked ? " FOR UPDATE SKIP LOCKED" : " FOR UPDATE";
  }

  void lock_until_transaction_end(std::int64_t key) override {
    require(State::Writing);
    execute("SELECT pg_advisory_xact_lock($1)", {key});
  }

  bool is_broken() const override { return broken_ || !connection_->is_open(); }

  void run_migration_transaction(const std::function<void()>& migrate) override {
    begin(Access::Write);
    try {
      execute("SELECT pg_advisory_xact_lock($1)", {kMigrationLockKey});
      migrate();
      commit();
    } catch (...) {
      rollback();
      throw;
    }
  }

 protected:
  std::int64_t execute_statement(std::string_view sql, std::span<const Param> params) override {
    require_transaction();
    return guarded([&] {
      return static_cast<std::int64_t>(
          statements_
              ->exec_params(std::string(sql), pqxx::prepare::make_dynamic_params(as_texts(params)))
              .affected_rows());
    });
  }

  std::size_t query_rows(std::string_view sql, std::span<const Param> params,
                         const RowHandler& on_row, std::size_t limit) override {
    require_transaction();
    const pqxx::result result = guarded([&] {
      return statements_->exec_params(std::string(sql),
                                      pqxx::prepare::make_dynamic_params(as_texts(params)));
    });
    std::size_t count = 0;
    for (const auto& row : result) {
      if (count == limit) break;
      on_row(PostgresRow(row));
      ++count;
    }
    return count;
  }

 private:
  enum class State { Idle, Reading, Writing };

  static std::unique_ptr<pqxx::connection> connect(const std::string& url) {
    try {
      auto opened = std::make_unique<pqxx::connection>(url);
      // Keep NOTICEs ("relation already exists, skipping") off stderr.
      opened->set_variable("client_min_messages", "warning");
      return opened;
    } catch (const pqxx::broken_connection& error) {
      // libpq's reason names host and port, never the password.
      throw DatabaseError(DatabaseError::Kind::ConnectionLost,
                          "cannot connect to PostgreSQL: " + first_line(error.what()));
    }
  }

  void require(State state) const {
    if (state_ != state) throw std::logic_error("SQL statement in the wrong transaction state");
  }
  void require_transaction() const {
    if (state_ == State::Idle) throw std::logic_error("SQL statement outside a transaction");
  }

  void run_script(const std::string& sql) {
    guarded([&] { statements_->exec(sql); });
  }

  void copy_into(const std::string& table, std::span<const std::string_view> columns,
                 std::span<const Param> values) {
    guarded([&] {
      pqxx::stream_to copy(*statements_, table,
                           std::vector<std::string>(columns.begin(), columns.end()));
      try {
        kCopiers[columns.size() - 1](copy, values);
      } catch (...) {
        // Always end the COPY, even after an error (libpqxx's rule), then report the first error.
        try {
          copy.complete();
        } catch (...) {
        }
        throw;
      }
      copy.complete();  // the server reports constraint violations here
    });
  }

  /// Runs `body`, turning libpqxx's exceptions into DatabaseError and tracking what they mean for
  /// the connection (broken) and the transaction (aborted: only a rollback can follow).
  template <typename Body>
  auto guarded(Body&& body) -> decltype(body()) {
    // libpqxx would reconnect by itself on the next statement, outside our transaction; a
    // connection that broke once is never used again.
    if (is_broken()) {
      throw DatabaseError(DatabaseError::Kind::ConnectionLost, "the connection was lost earlier");
    }
    const auto failed = [&](DatabaseError::Kind kind, const char* what) {
      if (state_ == State::Writing) aborted_ = true;
      return DatabaseError(kind, first_line(what));
    };
    try {
      return body();
    } catch (const pqxx::broken_connection& error) {
      broken_ = true;
      throw failed(DatabaseError::Kind::ConnectionLost, error.what());
    } catch (const pqxx::in_doubt_error& error) {
      broken_ = true;
      throw failed(DatabaseError::Kind::CommitInDoubt, error.what());
    } catch (const pqxx::unique_violation& error) {
      throw failed(DatabaseError::Kind::UniqueViolation, error.what());
    } catch (const pqxx::foreign_key_violation& error) {
      throw failed(DatabaseError::Kind::ForeignKeyViolation, error.what());
    } catch (const pqxx::check_violation& error) {
      throw failed(DatabaseError::Kind::CheckViolation, error.what());
    } catch (const pqxx::not_null_violation& error) {
      throw failed(DatabaseError::Kind::CheckViolation, error.what());
    } catch (const pqxx::failure& error) {
      throw failed(DatabaseError::Kind::Other, error.what());
    } catch (const pqxx::conversion_error& error) {
      throw failed(DatabaseError::Kind::Other, error.what());
    }
  }

  std::unique_ptr<pqxx::connection> connection_;
  std::optional<pqxx::nontransaction> statements_;
  State state_ = State::Idle;
  bool aborted_ = false;  ///< a statement failed since BEGIN or the last rollback to a savepoint
  bool broken_ = false;
  RowsWrittenHook on_rows_written_;
};

}  // namespace

std::unique_ptr<Connection> open_postgres(const std::string& url, const PostgresOptions& options) {
  return std::make_unique<PostgresConnection>(url, options);
}

}  // namespace plm::sql
