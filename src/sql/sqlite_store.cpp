#include "sql/sqlite_store.hpp"

#include <sqlite3.h>

#include <cassert>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <unordered_set>

#include "sql/common.hpp"
#include "sql/migrations.hpp"

namespace plm::sql {
namespace {

/// A failed SQLite call; `code` is the extended result code. Never leaves this file.
class SqliteError : public std::runtime_error {
 public:
  SqliteError(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

[[noreturn]] void fail(sqlite3* db, int code) {
  throw SqliteError(code, db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code));
}

void execute(sqlite3* db, const char* sql) {
  if (const int code = sqlite3_exec(db, sql, nullptr, nullptr, nullptr); code != SQLITE_OK) {
    fail(db, sqlite3_extended_errcode(db));
  }
}

/// A prepared statement, reset and with bindings cleared before every use.
class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql) : db_(db) {
    const int code = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                        SQLITE_PREPARE_PERSISTENT, &statement_, nullptr);
    if (code != SQLITE_OK) fail(db, code);
#ifndef NDEBUG
    // common.hpp numbers placeholders in order of first appearance; check it held.
    for (int i = 1; i <= sqlite3_bind_parameter_count(statement_); ++i) {
      assert(sqlite3_bind_parameter_name(statement_, i) == "$" + std::to_string(i));
    }
#endif
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() { sqlite3_finalize(statement_); }

  Statement& start() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
    next_ = 1;
    return *this;
  }
  Statement& bind(std::int64_t value) {
    return check(sqlite3_bind_int64(statement_, next_++, value));
  }
  Statement& bind(bool value) { return bind(std::int64_t{value ? 1 : 0}); }
  Statement& bind(std::string_view value) {
    // SQLITE_TRANSIENT copies: callers bind temporaries (encrypted tokens, timestamps) that die
    // before the statement runs.
    return check(sqlite3_bind_text64(statement_, next_++, value.data(), value.size(),
                                     SQLITE_TRANSIENT, SQLITE_UTF8));
  }
  Statement& bind_null() { return check(sqlite3_bind_null(statement_, next_++)); }
  // Literal strings and std::string must not pick the bool overload.
  Statement& bind(const char* value) { return bind(std::string_view(value)); }
  Statement& bind(const std::string& value) { return bind(std::string_view(value)); }

  /// True while a row is available.
  bool step() {
    const int code = sqlite3_step(statement_);
    if (code == SQLITE_ROW) return true;
    if (code == SQLITE_DONE) return false;
    const int extended = sqlite3_extended_errcode(db_);
    sqlite3_reset(statement_);
    fail(db_, extended);
  }
  void run() {
    while (step()) {
    }
  }
  /// Ends a read left mid-way, so the connection holds no read snapshot between calls.
  void finish() { sqlite3_reset(statement_); }

  // The row accessors common.hpp's readers use.
  std::string text(int column) const {
    const auto* data = sqlite3_column_text(statement_, column);
    return data == nullptr
               ? std::string()
               : std::string(reinterpret_cast<const char*>(data),
                             static_cast<std::size_t>(sqlite3_column_bytes(statement_, column)));
  }
  std::int64_t int64(int column) const { return sqlite3_column_int64(statement_, column); }
  bool boolean(int column) const { return int64(column) != 0; }
  bool is_null(int column) const { return sqlite3_column_type(statement_, column) == SQLITE_NULL; }

 private:
  Statement& check(int code) {
    if (code != SQLITE_OK) fail(db_, code);
    return *this;
  }

  sqlite3* db_;
  sqlite3_stmt* statement_ = nullptr;
  int next_ = 1;
};

/// BEGIN … COMMIT, rolled back if destroyed uncommitted (an error, or an exception in between).
class Transaction {
 public:
  enum class Kind { Read, Write };
  Transaction(sqlite3* db, Kind kind) : db_(db) {
    // IMMEDIATE takes the write lock up front: a deferred transaction that later needs to write can
    // fail with SQLITE_BUSY without waiting for busy_timeout, when another connection wrote first.
    execute(db, kind == Kind::Write ? "BEGIN IMMEDIATE" : "BEGIN");
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction() {
    if (open_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  void commit() {
    execute(db_, "COMMIT");
    open_ = false;
  }

 private:
  sqlite3* db_;
  bool open_ = true;
};

core::Error to_error(std::string_view operation, const SqliteError& error) {
  // sqlite3_errmsg names tables and columns, never bound values, so it is safe to pass on.
  const std::string message = std::string(operation) + " failed: " + error.what();
  switch (error.code()) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return core::make_error(core::ErrorCode::Conflict, message);
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return core::make_error(core::ErrorCode::NotFound, message);
    case SQLITE_CONSTRAINT_CHECK:
    case SQLITE_CONSTRAINT_NOTNULL:
      return core::make_error(core::ErrorCode::InvalidInput, message);
    default:
      return core::make_error(core::ErrorCode::Internal, message);
  }
}

std::string describe_account(std::int64_t account_id) {
  return "account " + std::to_string(account_id);
}

std::string describe_user(std::int64_t user_id) { return "user " + std::to_string(user_id); }

}  // namespace

struct SqliteStore::Impl {
  Impl(const std::string& path, security::TokenCipher& token_cipher) : cipher(token_cipher) {
    const int code =
        sqlite3_open_v2(path.c_str(), &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (code != SQLITE_OK) {
      const std::string reason = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
      sqlite3_close(db);
      throw std::runtime_error("cannot open SQLite database " + path + ": " + reason);
    }
    try {
      sqlite3_extended_result_codes(db, 1);
      sqlite3_busy_timeout(db, 5000);
      // WAL lets readers proceed during a write; NORMAL sync is durable across application crashes
      // and consistent across power loss (the last commits may be lost, never half of one).
      execute(db, "PRAGMA journal_mode = WAL");
      execute(db, "PRAGMA synchronous = NORMAL");
      migrate();
      execute(db, "PRAGMA foreign_keys = ON");
    } catch (const SqliteError& error) {
      statements.clear();
      sqlite3_close(db);
      throw std::runtime_error("cannot prepare SQLite database " + path + ": " + error.what());
    } catch (...) {
      statements.clear();
      sqlite3_close(db);
      throw;
    }
  }

  ~Impl() {
    statements.clear();  // finalize before closing, or sqlite3_close refuses
    sqlite3_close(db);
  }

  /// Applies missing migrations in one transaction. Foreign keys must be off (they are until the
  /// constructor turns them on; the pragma cannot change inside a transaction): a migration may
  /// rebuild a table the SQLite way (create, copy, drop, rename), and dropping a parent table
  /// with enforcement on would cascade into its children. foreign_key_check proves before the
  /// commit that nothing was left dangling.
  void migrate() {
    Transaction transaction(db, Transaction::Kind::Write);
    execute(db,
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
            "name TEXT NOT NULL, applied_at TEXT NOT NULL)");
    std::set<int> applied;
    {
      Statement select(db, "SELECT version FROM schema_migrations");
      while (select.step()) applied.insert(static_cast<int>(select.int64(0)));
    }
    const auto migrations = sqlite_migrations();
    if (!applied.empty() && *applied.rbegin() > migrations.back().version) {
      throw std::runtime_error("database schema version " + std::to_string(*applied.rbegin()) +
                               " is newer than this plm understands (" +
                               std::to_string(migrations.back().version) + ")");
    }
    Statement record(
        db, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)");
    for (const Migration& migration : migrations) {
      if (applied.contains(migration.version)) continue;
      execute(db, std::string(migration.sql).c_str());
      record.start()
          .bind(std::int64_t{migration.version})
          .bind(migration.name)
          .bind(now_utc())
          .run();
    }
    {
      Statement check(db, "PRAGMA foreign_key_check");
      if (check.step()) {
        throw std::runtime_error("migration left rows of table " + check.text(0) +
                                 " referring to missing rows of " + check.text(2));
      }
    }
    transaction.commit();
  }

  Statement& statement(std::string_view sql) {
    auto found = statements.find(sql);
    if (found == statements.end()) {
      found = statements.emplace(sql, std::make_unique<Statement>(db, sql)).first;
    }
    return found->second->start();
  }

  /// Runs `body` under the lock, turning SQLite failures into errors naming `operation`.
  template <typename Body>
  auto run(std::string_view operation, Body&& body) -> decltype(body()) {
    std::lock_guard lock(mutex);
    struct FinishStatements {
      Impl& impl;
      ~FinishStatements() { impl.finish_statements(); }
    } finish{*this};
    try {
      return body();
    } catch (const SqliteError& error) {
      return to_error(operation, error);
    }
  }

  void finish_statements() {
    for (auto& [sql, prepared] : statements) prepared->finish();
  }

  core::Status expect_changed(std::string_view what) {
    if (sqlite3_changes64(db) == 0) {
      return core::make_error(core::ErrorCode::NotFound, std::string(what) + " not found");
    }
    return core::ok();
  }

  void upsert_playlist(std::string_view sql, std::int64_t account_id, std::int64_t list_position,
                       const core::PlaylistSummary& summary, std::string_view items_snapshot_id,
                       std::int64_t stored_item_count) {
    statement(sql)
        .bind(account_id)
        .bind(summary.id)
        .bind(summary.name)
        .bind(summary.description)
        .bind(summary.owner_id)
        .bind(summary.owner_name)
        .bind(summary.is_public)
        .bind(summary.collaborative)
        .bind(summary.snapshot_id)
        .bind(summary.item_count)
        .bind(summary.image_url)
        .bind(list_position)
        .bind(items_snapshot_id)
        .bind(stored_item_count)
        .bind(now_utc())
        .run();
  }

  sqlite3* db = nullptr;
  security::TokenCipher& cipher;
  std::mutex mutex;
  std::map<std::string_view, std::unique_ptr<Statement>> statements;  // keys are query:: constants
  std::function<void(std::size_t)> item_hook;
};

SqliteStore::SqliteStore(const std::string& path, security::TokenCipher& cipher)
    : impl_(std::make_unique<Impl>(path, cipher)) {}

SqliteStore::~SqliteStore() = default;

void SqliteStore::on_item_saved_for_test(std::function<void(std::size_t)> hook) {
  impl_->item_hook = std::move(hook);
}

core::Result<core::AppUser> SqliteStore::create_user(const std::string& username,
                                                     const std::string& password_hash,
                                                     core::Role role) {
  return impl_->run("create user '" + username + "'", [&]() -> core::Result<core::AppUser> {
    auto& insert = impl_->statement(query::kInsertUser)
                       .bind(username)
                       .bind(password_hash)
                       .bind(core::to_string(role))
                       .bind(now_utc());
    insert.step();
    core::AppUser user = read_user(insert);
    insert.run();
    return user;
  });
}

core::Result<std::optional<core::AppUser>> SqliteStore::find_user(std::int64_t id) {
  return impl_->run("find user", [&]() -> core::Result<std::optional<core::AppUser>> {
    auto& select = impl_->statement(query::kFindUser).bind(id);
    if (!select.step()) return std::optional<core::AppUser>();
    return std::optional(read_user(select));
  });
}

core::Result<std::optional<core::AppUser>> SqliteStore::find_user_by_name(
    const std::string& username) {
  return impl_->run("find user", [&]() -> core::Result<std::optional<core::AppUser>> {
    auto& select = impl_->statement(query::kFindUserByName).bind(username);
    if (!select.step()) return std::optional<core::AppUser>();
    return std::optional(read_user(select));
  });
}

core::Result<std::vector<core::AppUser>> SqliteStore::list_users() {
  return impl_->run("list users", [&]() -> core::Result<std::vector<core::AppUser>> {
    std::vector<core::AppUser> users;
    auto& select = impl_->statement(query::kListUsers);
    while (select.step()) users.push_back(read_user(select));
    return users;
  });
}

core::Status SqliteStore::set_password_hash(std::int64_t user_id, const std::string& hash) {
  return impl_->run("set password of " + describe_user(user_id), [&]() -> core::Status {
    impl_->statement(query::kSetPasswordHash).bind(hash).bind(user_id).run();
    return impl_->expect_changed(describe_user(user_id));
  });
}

core::Status SqliteStore::set_role(std::int64_t user_id, core::Role role) {
  return impl_->run("set role of " + describe_user(user_id), [&]() -> core::Status {
    impl_->statement(query::kSetRole).bind(core::to_string(role)).bind(user_id).run();
    return impl_->expect_changed(describe_user(user_id));
  });
}

core::Status SqliteStore::delete_user(std::int64_t user_id) {
  return impl_->run("delete " + describe_user(user_id), [&]() -> core::Status {
    // Everything the user owns goes with the row (ON DELETE CASCADE), in this one statement.
    impl_->statement(query::kDeleteUser).bind(user_id).run();
    return impl_->expect_changed(describe_user(user_id));
  });
}

core::Result<std::int64_t> SqliteStore::upsert_account(const core::SpotifyAccount& account) {
  return impl_->run("save Spotify account of user " + std::to_string(account.app_user_id),
                    [&]() -> core::Result<std::int64_t> {
                      auto& upsert = impl_->statement(query::kUpsertAccount)
                                         .bind(account.app_user_id)
                                         .bind(account.spotify_user_id)
                                         .bind(account.display_name)
                                         .bind(account.client_id)
                                         .bind(impl_->cipher.encrypt(account.tokens.access_token))
                                         .bind(impl_->cipher.encrypt(account.tokens.refresh_token))
                                         .bind(account.tokens.scope)
                                         .bind(account.tokens.expires_at)
                                         .bind(account.tokens.authorized_at)
                                         .bind(core::to_string(account.status))
                                         .bind(account.last_synced_at);
                      upsert.step();
                      const std::int64_t id = upsert.int64(0);
                      upsert.run();
                      return id;
                    });
}

core::Result<std::optional<core::SpotifyAccount>> SqliteStore::find_account(
    std::int64_t account_id) {
  return impl_->run("find " + describe_account(account_id),
                    [&]() -> core::Result<std::optional<core::SpotifyAccount>> {
                      auto& select = impl_->statement(query::kFindAccount).bind(account_id);
                      if (!select.step()) return std::optional<core::SpotifyAccount>();
                      auto account = read_account(select, impl_->cipher);
                      if (!account) return account.error();
                      return std::optional(std::move(*account));
                    });
}

core::Result<std::vector<core::SpotifyAccount>> SqliteStore::accounts_of(std::int64_t app_user_id) {
  return impl_->run("list accounts of user " + std::to_string(app_user_id),
                    [&]() -> core::Result<std::vector<core::SpotifyAccount>> {
                      std::vector<core::SpotifyAccount> accounts;
                      auto& select = impl_->statement(query::kAccountsOf).bind(app_user_id);
                      while (select.step()) {
                        auto account = read_account(select, impl_->cipher);
                        if (!account) return account.error();
                        accounts.push_back(std::move(*account));
                      }
                      return accounts;
                    });
}

core::Status SqliteStore::save_tokens(std::int64_t account_id, const core::AccountTokens& tokens) {
  return impl_->run("save tokens of " + describe_account(account_id), [&]() -> core::Status {
    impl_->statement(query::kSaveTokens)
        .bind(impl_->cipher.encrypt(tokens.access_token))
        .bind(impl_->cipher.encrypt(tokens.refresh_token))
        .bind(tokens.scope)
        .bind(tokens.expires_at)
        .bind(tokens.authorized_at)
        .bind(account_id)
        .run();
    return impl_->expect_changed(describe_account(account_id));
  });
}

core::Status SqliteStore::set_account_status(std::int64_t account_id, core::AccountStatus status) {
  return impl_->run("set status of " + describe_account(account_id), [&]() -> core::Status {
    impl_->statement(query::kSetAccountStatus).bind(core::to_string(status)).bind(account_id).run();
    return impl_->expect_changed(describe_account(account_id));
  });
}

core::Status SqliteStore::delete_account(std::int64_t account_id) {
  return impl_->run("delete " + describe_account(account_id), [&]() -> core::Status {
    // Playlists, items and tags go with the row (ON DELETE CASCADE).
    impl_->statement(query::kDeleteAccount).bind(account_id).run();
    return impl_->expect_changed(describe_account(account_id));
  });
}

core::Result<std::vector<core::StoredPlaylist>> SqliteStore::playlists_of(std::int64_t account_id) {
  return impl_->run("list playlists of " + describe_account(account_id),
                    [&]() -> core::Result<std::vector<core::StoredPlaylist>> {
                      std::vector<core::StoredPlaylist> playlists;
                      auto& select = impl_->statement(query::kPlaylistsOf).bind(account_id);
                      while (select.step()) read_playlist_row(select, playlists);
                      sort_tags(playlists);
                      return playlists;
                    });
}

core::Result<std::optional<core::StoredPlaylist>> SqliteStore::find_playlist(
    std::int64_t account_id, const std::string& playlist_id) {
  return impl_->run(
      "find playlist " + playlist_id, [&]() -> core::Result<std::optional<core::StoredPlaylist>> {
        std::vector<core::StoredPlaylist> found;
        auto& select = impl_->statement(query::kFindPlaylist).bind(account_id).bind(playlist_id);
        while (select.step()) read_playlist_row(select, found);
        if (found.empty()) return std::optional<core::StoredPlaylist>();
        sort_tags(found);
        return std::optional(std::move(found.front()));
      });
}

core::Status SqliteStore::save_playlist(std::int64_t account_id, std::int64_t list_position,
                                        const core::PlaylistSummary& summary,
                                        const std::vector<core::PlaylistItem>& items) {
  return impl_->run(
      "save playlist " + summary.id + " of " + describe_account(account_id), [&]() -> core::Status {
        Transaction transaction(impl_->db, Transaction::Kind::Write);
        impl_->upsert_playlist(query::kUpsertPlaylist, account_id, list_position, summary,
                               summary.snapshot_id, static_cast<std::int64_t>(items.size()));
        impl_->statement(query::kDeleteItems).bind(account_id).bind(summary.id).run();
        for (const core::TrackInfo* track : distinct_tracks(items)) {
          impl_->statement(query::kUpsertTrack)
              .bind(track->uri)
              .bind(track->name)
              .bind(encode_artists(track->artists))
              .bind(track->album)
              .bind(track->album_image_url)
              .bind(track->duration_ms)
              .bind(track->isrc)
              .bind(track->explicit_content)
              .run();
        }
        auto& insert = impl_->statement(query::kInsertItem);
        for (std::size_t index = 0; index < items.size(); ++index) {
          const core::PlaylistItem& item = items[index];
          insert.start().bind(account_id).bind(summary.id).bind(static_cast<std::int64_t>(index));
          insert.bind(item.uri);
          if (item.track) {
            insert.bind(item.track->uri);
          } else {
            insert.bind_null();
          }
          insert.bind(item.added_at).bind(item.added_by).bind(item.is_local).bind(item.unavailable);
          insert.run();
          if (impl_->item_hook) impl_->item_hook(index);
        }
        transaction.commit();
        return core::ok();
      });
}

core::Status SqliteStore::save_playlist_summary(std::int64_t account_id, std::int64_t list_position,
                                                const core::PlaylistSummary& summary) {
  return impl_->run("save playlist " + summary.id + " of " + describe_account(account_id),
                    [&]() -> core::Status {
                      impl_->upsert_playlist(query::kUpsertPlaylistSummary, account_id,
                                             list_position, summary, "", 0);
                      return core::ok();
                    });
}

core::Status SqliteStore::remove_playlists_except(std::int64_t account_id,
                                                  const std::vector<std::string>& keep) {
  return impl_->run("remove playlists of " + describe_account(account_id), [&]() -> core::Status {
    Transaction transaction(impl_->db, Transaction::Kind::Write);
    const std::unordered_set<std::string> kept(keep.begin(), keep.end());
    std::vector<std::string> doomed;
    auto& select = impl_->statement(query::kPlaylistIdsOf).bind(account_id);
    while (select.step()) {
      if (std::string id = select.text(0); !kept.contains(id)) doomed.push_back(std::move(id));
    }
    for (const auto& playlist_id : doomed) {
      // Items go with their playlist (ON DELETE CASCADE).
      impl_->statement(query::kDeletePlaylist).bind(account_id).bind(playlist_id).run();
    }
    transaction.commit();
    return core::ok();
  });
}

core::Result<std::vector<core::PlaylistItem>> SqliteStore::playlist_items(
    std::int64_t account_id, const std::string& playlist_id) {
  return impl_->run(
      "read items of playlist " + playlist_id,
      [&]() -> core::Result<std::vector<core::PlaylistItem>> {
        // One read transaction: the existence check and the items see one snapshot.
        Transaction transaction(impl_->db, Transaction::Kind::Read);
        if (!impl_->statement(query::kPlaylistExists).bind(account_id).bind(playlist_id).step()) {
          return core::make_error(
              core::ErrorCode::NotFound,
              "playlist " + playlist_id + " of " + describe_account(account_id) + " not found");
        }
        std::vector<core::PlaylistItem> items;
        auto& select = impl_->statement(query::kItemsOf).bind(account_id).bind(playlist_id);
        while (select.step()) items.push_back(read_item(select));
        impl_->finish_statements();
        transaction.commit();
        return items;
      });
}

core::Status SqliteStore::mark_synced(std::int64_t account_id, const std::string& synced_at) {
  return impl_->run("mark " + describe_account(account_id) + " synced", [&]() -> core::Status {
    impl_->statement(query::kMarkSynced).bind(synced_at).bind(account_id).run();
    return impl_->expect_changed(describe_account(account_id));
  });
}

core::Status SqliteStore::set_playlist_tags(std::int64_t account_id, const std::string& playlist_id,
                                            const std::vector<std::string>& tags) {
  auto normalized = core::normalize_tags(tags);
  if (!normalized) return normalized.error();
  return impl_->run(
      "set tags of playlist " + playlist_id + " of " + describe_account(account_id),
      [&]() -> core::Status {
        Transaction transaction(impl_->db, Transaction::Kind::Write);
        if (!impl_->statement(query::kPlaylistExists).bind(account_id).bind(playlist_id).step()) {
          return core::make_error(
              core::ErrorCode::NotFound,
              "playlist " + playlist_id + " of " + describe_account(account_id) + " not found");
        }
        impl_->statement(query::kDeleteTags).bind(account_id).bind(playlist_id).run();
        for (const std::string& tag : *normalized) {
          impl_->statement(query::kInsertTag).bind(account_id).bind(playlist_id).bind(tag).run();
        }
        impl_->finish_statements();
        transaction.commit();
        return core::ok();
      });
}

// ---- SessionStore ----

core::Status SqliteStore::create_session(const core::Session& session) {
  return impl_->run("create session of " + describe_user(session.app_user_id),
                    [&]() -> core::Status {
                      impl_->statement(query::kInsertSession)
                          .bind(session.id_hash)
                          .bind(session.app_user_id)
                          .bind(session.csrf_token)
                          .bind(session.created_at)
                          .bind(session.last_seen_at)
                          .bind(session.expires_at)
                          .bind(core::clean_text(session.user_agent))
                          .bind(core::clean_text(session.remote_address))
                          .run();
                      return core::ok();
                    });
}

core::Result<std::optional<core::Session>> SqliteStore::find_session(const std::string& id_hash) {
  return impl_->run("find session", [&]() -> core::Result<std::optional<core::Session>> {
    auto& select = impl_->statement(query::kFindSession).bind(id_hash);
    if (!select.step()) return std::optional<core::Session>();
    return std::optional(read_session(select));
  });
}

core::Status SqliteStore::touch_session(const std::string& id_hash, std::int64_t last_seen_at,
                                        std::int64_t expires_at) {
  return impl_->run("touch session", [&]() -> core::Status {
    impl_->statement(query::kTouchSession).bind(last_seen_at).bind(expires_at).bind(id_hash).run();
    return impl_->expect_changed("session");
  });
}

core::Status SqliteStore::delete_session(const std::string& id_hash) {
  return impl_->run("delete session", [&]() -> core::Status {
    impl_->statement(query::kDeleteSession).bind(id_hash).run();
    return core::ok();
  });
}

core::Status SqliteStore::delete_sessions_of(std::int64_t app_user_id,
                                             const std::string& except_id_hash) {
  return impl_->run("delete sessions of " + describe_user(app_user_id), [&]() -> core::Status {
    impl_->statement(query::kDeleteSessionsOf).bind(app_user_id).bind(except_id_hash).run();
    return core::ok();
  });
}

core::Result<std::int64_t> SqliteStore::delete_expired_sessions(std::int64_t now) {
  return impl_->run("delete expired sessions", [&]() -> core::Result<std::int64_t> {
    impl_->statement(query::kDeleteExpiredSessions).bind(now).run();
    return static_cast<std::int64_t>(sqlite3_changes64(impl_->db));
  });
}

core::Status SqliteStore::save_oauth_state(const core::OAuthState& state) {
  return impl_->run("save OAuth state of " + describe_user(state.app_user_id),
                    [&]() -> core::Status {
                      impl_->statement(query::kInsertOAuthState)
                          .bind(state.state)
                          .bind(state.app_user_id)
                          .bind(impl_->cipher.encrypt(state.code_verifier))
                          .bind(state.redirect_uri)
                          .bind(state.expires_at)
                          .run();
                      return core::ok();
                    });
}

core::Result<std::optional<core::OAuthState>> SqliteStore::take_oauth_state(
    const std::string& state, std::int64_t now) {
  return impl_->run("take OAuth state", [&]() -> core::Result<std::optional<core::OAuthState>> {
    // A transaction only so that a state we cannot decrypt stays as it was.
    Transaction transaction(impl_->db, Transaction::Kind::Write);
    auto& take = impl_->statement(query::kTakeOAuthState).bind(state);
    if (!take.step()) return std::optional<core::OAuthState>();
    auto taken = read_oauth_state(take, impl_->cipher);
    take.run();
    if (!taken) return taken.error();
    transaction.commit();
    if (taken->expires_at <= now) return std::optional<core::OAuthState>();
    return std::optional(std::move(*taken));
  });
}

core::Status SqliteStore::delete_expired_oauth_states(std::int64_t now) {
  return impl_->run("delete expired OAuth states", [&]() -> core::Status {
    impl_->statement(query::kDeleteExpiredOAuthStates).bind(now).run();
    return core::ok();
  });
}

}  // namespace plm::sql
