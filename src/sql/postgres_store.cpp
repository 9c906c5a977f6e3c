#include "sql/postgres_store.hpp"

#include <mutex>
#include <optional>
#include <pqxx/pqxx>
#include <set>
#include <stdexcept>
#include <tuple>
#include <unordered_set>

#include "sql/common.hpp"
#include "sql/migrations.hpp"

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

/// Accessors common.hpp's readers use, over a pqxx row.
class Row {
 public:
  explicit Row(const pqxx::row& row) : row_(row) {}
  std::string text(int column) const {
    const auto field = row_[column];
    return field.is_null() ? std::string() : std::string(field.c_str(), field.size());
  }
  std::int64_t int64(int column) const { return row_[column].as<std::int64_t>(0); }
  bool boolean(int column) const { return row_[column].as<bool>(false); }
  bool is_null(int column) const { return row_[column].is_null(); }

 private:
  const pqxx::row& row_;
};

std::string describe_account(std::int64_t account_id) {
  return "account " + std::to_string(account_id);
}

std::string describe_user(std::int64_t user_id) { return "user " + std::to_string(user_id); }

core::Status changed_or_not_found(const pqxx::result& result, const std::string& what) {
  if (result.affected_rows() == 0) {
    return core::make_error(core::ErrorCode::NotFound, what + " not found");
  }
  return core::ok();
}

}  // namespace

struct PostgresStore::Impl {
  Impl(const std::string& url_in, security::TokenCipher& token_cipher) try
      : url(url_in), connection(connect(url_in)), cipher(token_cipher) {
    migrate();
  } catch (const pqxx::broken_connection& error) {
    // libpq's reason names host and port, never the password.
    throw std::runtime_error("cannot connect to PostgreSQL: " + first_line(error.what()));
  } catch (const pqxx::sql_error& error) {
    throw std::runtime_error("cannot migrate PostgreSQL database: " + first_line(error.what()));
  }

  static std::unique_ptr<pqxx::connection> connect(const std::string& url) {
    auto opened = std::make_unique<pqxx::connection>(url);
    // Keep NOTICEs ("relation already exists, skipping") off stderr.
    opened->set_variable("client_min_messages", "warning");
    return opened;
  }

  void migrate() {
    pqxx::work work(*connection);
    work.exec_params("SELECT pg_advisory_xact_lock($1)", kMigrationLockKey);
    work.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
        "name TEXT NOT NULL, applied_at TEXT NOT NULL)");
    std::set<int> applied;
    for (const auto& row : work.exec("SELECT version FROM schema_migrations")) {
      applied.insert(row[0].as<int>());
    }
    const auto migrations = postgres_migrations();
    if (!applied.empty() && *applied.rbegin() > migrations.back().version) {
      throw std::runtime_error("database schema version " + std::to_string(*applied.rbegin()) +
                               " is newer than this plm understands (" +
                               std::to_string(migrations.back().version) + ")");
    }
    for (const Migration& migration : migrations) {
      if (applied.contains(migration.version)) continue;
      work.exec(std::string(migration.sql));
      work.exec_params(
          "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
          migration.version, std::string(migration.name), now_utc());
    }
    work.commit();
  }

  /// Runs `body(work)` in one transaction under the lock; commits if it returns a value, and turns
  /// libpqxx exceptions into errors naming `operation`.
  template <typename Body>
  auto run(const std::string& operation, Body&& body)
      -> decltype(body(std::declval<pqxx::work&>())) {
    std::lock_guard lock(mutex);
    const auto fail = [&](core::ErrorCode code, const char* what) {
      return core::make_error(code, operation + " failed: " + first_line(what));
    };
    try {
      // A connection lost earlier (server restart, idle timeout, failover) is opened again here,
      // so the store recovers by itself instead of staying broken until plm restarts.
      if (!connection || !connection->is_open()) connection = connect(url);
      pqxx::work work(*connection);
      auto result = body(work);
      if (result.has_value()) work.commit();
      return result;
    } catch (const pqxx::unique_violation& error) {
      return fail(core::ErrorCode::Conflict, error.what());
    } catch (const pqxx::foreign_key_violation& error) {
      return fail(core::ErrorCode::NotFound, error.what());
    } catch (const pqxx::check_violation& error) {
      return fail(core::ErrorCode::InvalidInput, error.what());
    } catch (const pqxx::not_null_violation& error) {
      return fail(core::ErrorCode::InvalidInput, error.what());
    } catch (const pqxx::in_doubt_error& error) {
      // The connection broke during COMMIT: the change may or may not be stored.
      connection.reset();
      return fail(core::ErrorCode::Unavailable, error.what());
    } catch (const pqxx::broken_connection& error) {
      // Nothing of this transaction was committed; the next call reconnects. Retryable.
      connection.reset();
      return fail(core::ErrorCode::Unavailable, error.what());
    } catch (const pqxx::failure& error) {
      return fail(core::ErrorCode::Internal, error.what());
    } catch (const pqxx::conversion_error& error) {
      return fail(core::ErrorCode::Internal, error.what());
    }
  }

  static void upsert_playlist(pqxx::work& work, std::string_view sql, std::int64_t account_id,
                              std::int64_t list_position, const core::PlaylistSummary& summary,
                              const std::string& items_snapshot_id,
                              std::int64_t stored_item_count) {
    work.exec_params(std::string(sql), account_id, summary.id, summary.name, summary.description,
                     summary.owner_id, summary.owner_name, summary.is_public, summary.collaborative,
                     summary.snapshot_id, summary.item_count, summary.image_url, list_position,
                     items_snapshot_id, stored_item_count, now_utc());
  }

  std::string url;
  std::unique_ptr<pqxx::connection> connection;
  security::TokenCipher& cipher;
  std::mutex mutex;
};

PostgresStore::PostgresStore(const std::string& url, security::TokenCipher& cipher)
    : impl_(std::make_unique<Impl>(url, cipher)) {}

PostgresStore::~PostgresStore() = default;

core::Result<core::AppUser> PostgresStore::create_user(const std::string& username,
                                                       const std::string& password_hash,
                                                       core::Role role) {
  return impl_->run(
      "create user '" + username + "'", [&](pqxx::work& work) -> core::Result<core::AppUser> {
        const auto row = work.exec_params1(std::string(query::kInsertUser), username, password_hash,
                                           std::string(core::to_string(role)), now_utc());
        return read_user(Row(row));
      });
}

core::Result<std::optional<core::AppUser>> PostgresStore::find_user(std::int64_t id) {
  return impl_->run("find user",
                    [&](pqxx::work& work) -> core::Result<std::optional<core::AppUser>> {
                      const auto result = work.exec_params(std::string(query::kFindUser), id);
                      if (result.empty()) return std::optional<core::AppUser>();
                      return std::optional(read_user(Row(result[0])));
                    });
}

core::Result<std::optional<core::AppUser>> PostgresStore::find_user_by_name(
    const std::string& username) {
  return impl_->run(
      "find user", [&](pqxx::work& work) -> core::Result<std::optional<core::AppUser>> {
        const auto result = work.exec_params(std::string(query::kFindUserByName), username);
        if (result.empty()) return std::optional<core::AppUser>();
        return std::optional(read_user(Row(result[0])));
      });
}

core::Result<std::vector<core::AppUser>> PostgresStore::list_users() {
  return impl_->run("list users",
                    [&](pqxx::work& work) -> core::Result<std::vector<core::AppUser>> {
                      std::vector<core::AppUser> users;
                      for (const auto& row : work.exec(std::string(query::kListUsers))) {
                        users.push_back(read_user(Row(row)));
                      }
                      return users;
                    });
}

core::Status PostgresStore::set_password_hash(std::int64_t user_id, const std::string& hash) {
  return impl_->run("set password of " + describe_user(user_id),
                    [&](pqxx::work& work) -> core::Status {
                      return changed_or_not_found(
                          work.exec_params(std::string(query::kSetPasswordHash), hash, user_id),
                          describe_user(user_id));
                    });
}

core::Status PostgresStore::set_role(std::int64_t user_id, core::Role role) {
  return impl_->run("set role of " + describe_user(user_id), [&](pqxx::work& work) -> core::Status {
    return changed_or_not_found(
        work.exec_params(std::string(query::kSetRole), std::string(core::to_string(role)), user_id),
        describe_user(user_id));
  });
}

core::Status PostgresStore::delete_user(std::int64_t user_id) {
  return impl_->run("delete " + describe_user(user_id), [&](pqxx::work& work) -> core::Status {
    // Everything the user owns goes with the row (ON DELETE CASCADE), in this one statement.
    return changed_or_not_found(work.exec_params(std::string(query::kDeleteUser), user_id),
                                describe_user(user_id));
  });
}

core::Result<std::int64_t> PostgresStore::upsert_account(const core::SpotifyAccount& account) {
  return impl_->run("save Spotify account of user " + std::to_string(account.app_user_id),
                    [&](pqxx::work& work) -> core::Result<std::int64_t> {
                      const auto row = work.exec_params1(
                          std::string(query::kUpsertAccount), account.app_user_id,
                          account.spotify_user_id, account.display_name, account.client_id,
                          impl_->cipher.encrypt(account.tokens.access_token),
                          impl_->cipher.encrypt(account.tokens.refresh_token), account.tokens.scope,
                          account.tokens.expires_at, account.tokens.authorized_at,
                          std::string(core::to_string(account.status)), account.last_synced_at);
                      return row[0].as<std::int64_t>();
                    });
}

core::Result<std::optional<core::SpotifyAccount>> PostgresStore::find_account(
    std::int64_t account_id) {
  return impl_->run("find " + describe_account(account_id),
                    [&](pqxx::work& work) -> core::Result<std::optional<core::SpotifyAccount>> {
                      const auto result =
                          work.exec_params(std::string(query::kFindAccount), account_id);
                      if (result.empty()) return std::optional<core::SpotifyAccount>();
                      auto account = read_account(Row(result[0]), impl_->cipher);
                      if (!account) return account.error();
                      return std::optional(std::move(*account));
                    });
}

core::Result<std::vector<core::SpotifyAccount>> PostgresStore::accounts_of(
    std::int64_t app_user_id) {
  return impl_->run(
      "list accounts of user " + std::to_string(app_user_id),
      [&](pqxx::work& work) -> core::Result<std::vector<core::SpotifyAccount>> {
        std::vector<core::SpotifyAccount> accounts;
        for (const auto& row : work.exec_params(std::string(query::kAccountsOf), app_user_id)) {
          auto account = read_account(Row(row), impl_->cipher);
          if (!account) return account.error();
          accounts.push_back(std::move(*account));
        }
        return accounts;
      });
}

core::Status PostgresStore::save_tokens(std::int64_t account_id,
                                        const core::AccountTokens& tokens) {
  return impl_->run(
      "save tokens of " + describe_account(account_id), [&](pqxx::work& work) -> core::Status {
        return changed_or_not_found(
            work.exec_params(std::string(query::kSaveTokens),
                             impl_->cipher.encrypt(tokens.access_token),
                             impl_->cipher.encrypt(tokens.refresh_token), tokens.scope,
                             tokens.expires_at, tokens.authorized_at, account_id),
            describe_account(account_id));
      });
}

core::Status PostgresStore::set_account_status(std::int64_t account_id,
                                               core::AccountStatus status) {
  return impl_->run("set status of " + describe_account(account_id),
                    [&](pqxx::work& work) -> core::Status {
                      return changed_or_not_found(
                          work.exec_params(std::string(query::kSetAccountStatus),
                                           std::string(core::to_string(status)), account_id),
                          describe_account(account_id));
                    });
}

core::Status PostgresStore::delete_account(std::int64_t account_id) {
  return impl_->run("delete " + describe_account(account_id),
                    [&](pqxx::work& work) -> core::Status {
                      // Playlists, items and tags go with the row (ON DELETE CASCADE).
                      return changed_or_not_found(
                          work.exec_params(std::string(query::kDeleteAccount), account_id),
                          describe_account(account_id));
                    });
}

core::Result<std::vector<core::StoredPlaylist>> PostgresStore::playlists_of(
    std::int64_t account_id) {
  return impl_->run(
      "list playlists of " + describe_account(account_id),
      [&](pqxx::work& work) -> core::Result<std::vector<core::StoredPlaylist>> {
        std::vector<core::StoredPlaylist> playlists;
        for (const auto& row : work.exec_params(std::string(query::kPlaylistsOf), account_id)) {
          read_playlist_row(Row(row), playlists);
        }
        sort_tags(playlists);
        return playlists;
      });
}

core::Result<std::optional<core::StoredPlaylist>> PostgresStore::find_playlist(
    std::int64_t account_id, const std::string& playlist_id) {
  return impl_->run("find playlist " + playlist_id,
                    [&](pqxx::work& work) -> core::Result<std::optional<core::StoredPlaylist>> {
                      std::vector<core::StoredPlaylist> found;
                      for (const auto& row : work.exec_params(std::string(query::kFindPlaylist),
                                                              account_id, playlist_id)) {
                        read_playlist_row(Row(row), found);
                      }
                      if (found.empty()) return std::optional<core::StoredPlaylist>();
                      sort_tags(found);
                      return std::optional(std::move(found.front()));
                    });
}

core::Status PostgresStore::save_playlist(std::int64_t account_id, std::int64_t list_position,
                                          const core::PlaylistSummary& summary,
                                          const std::vector<core::PlaylistItem>& items) {
  return impl_->run(
      "save playlist " + summary.id + " of " + describe_account(account_id),
      [&](pqxx::work& work) -> core::Status {
        Impl::upsert_playlist(work, query::kUpsertPlaylist, account_id, list_position, summary,
                              summary.snapshot_id, static_cast<std::int64_t>(items.size()));
        work.exec_params(std::string(query::kDeleteItems), account_id, summary.id);
        // COPY is an order of magnitude faster than a statement per row (10,000 items per save are
        // normal). Tracks go through a temporary table because COPY cannot upsert.
        const auto tracks = distinct_tracks(items);
        if (!tracks.empty()) {
          work.exec("CREATE TEMPORARY TABLE incoming_tracks (LIKE tracks) ON COMMIT DROP");
          pqxx::stream_to copy(
              work, "incoming_tracks",
              std::vector<std::string>{"uri", "name", "artists", "album", "album_image_url",
                                       "duration_ms", "isrc", "explicit"});
          for (const core::TrackInfo* track : tracks) {
            copy << std::make_tuple(track->uri, track->name, encode_artists(track->artists),
                                    track->album, track->album_image_url, track->duration_ms,
                                    track->isrc, track->explicit_content);
          }
          copy.complete();
          work.exec(
              "INSERT INTO tracks SELECT * FROM incoming_tracks ON CONFLICT (uri) DO UPDATE SET "
              "name = excluded.name, artists = excluded.artists, album = excluded.album, "
              "album_image_url = excluded.album_image_url, duration_ms = excluded.duration_ms, "
              "isrc = excluded.isrc, explicit = excluded.explicit");
        }
        if (!items.empty()) {
          pqxx::stream_to copy(
              work, "playlist_items",
              std::vector<std::string>{"account_id", "playlist_id", "position", "uri", "track_uri",
                                       "added_at", "added_by", "is_local", "unavailable"});
          for (std::size_t index = 0; index < items.size(); ++index) {
            const core::PlaylistItem& item = items[index];
            copy << std::make_tuple(
                account_id, summary.id, static_cast<std::int64_t>(index), item.uri,
                item.track ? std::optional<std::string>(item.track->uri) : std::nullopt,
                item.added_at, item.added_by, item.is_local, item.unavailable);
          }
          copy.complete();
        }
        return core::ok();
      });
}

core::Status PostgresStore::save_playlist_summary(std::int64_t account_id,
                                                  std::int64_t list_position,
                                                  const core::PlaylistSummary& summary) {
  return impl_->run("save playlist " + summary.id + " of " + describe_account(account_id),
                    [&](pqxx::work& work) -> core::Status {
                      Impl::upsert_playlist(work, query::kUpsertPlaylistSummary, account_id,
                                            list_position, summary, "", 0);
                      return core::ok();
                    });
}

core::Status PostgresStore::remove_playlists_except(std::int64_t account_id,
                                                    const std::vector<std::string>& keep) {
  return impl_->run(
      "remove playlists of " + describe_account(account_id), [&](pqxx::work& work) -> core::Status {
        const std::unordered_set<std::string> kept(keep.begin(), keep.end());
        for (const auto& row : work.exec_params(std::string(query::kPlaylistIdsOf), account_id)) {
          std::string id = row[0].c_str();
          if (kept.contains(id)) continue;
          // Items go with their playlist (ON DELETE CASCADE).
          work.exec_params(std::string(query::kDeletePlaylist), account_id, id);
        }
        return core::ok();
      });
}

core::Result<std::vector<core::PlaylistItem>> PostgresStore::playlist_items(
    std::int64_t account_id, const std::string& playlist_id) {
  return impl_->run(
      "read items of playlist " + playlist_id,
      [&](pqxx::work& work) -> core::Result<std::vector<core::PlaylistItem>> {
        // READ COMMITTED gives each statement its own snapshot; a concurrent save is one
        // transaction, so the item query alone still sees all old or all new items.
        if (work.exec_params(std::string(query::kPlaylistExists), account_id, playlist_id)
                .empty()) {
          return core::make_error(
              core::ErrorCode::NotFound,
              "playlist " + playlist_id + " of " + describe_account(account_id) + " not found");
        }
        std::vector<core::PlaylistItem> items;
        const auto result = work.exec_params(std::string(query::kItemsOf), account_id, playlist_id);
        items.reserve(result.size());
        for (const auto& row : result) items.push_back(read_item(Row(row)));
        return items;
      });
}

core::Status PostgresStore::mark_synced(std::int64_t account_id, const std::string& synced_at) {
  return impl_->run("mark " + describe_account(account_id) + " synced",
                    [&](pqxx::work& work) -> core::Status {
                      return changed_or_not_found(
                          work.exec_params(std::string(query::kMarkSynced), synced_at, account_id),
                          describe_account(account_id));
                    });
}

core::Status PostgresStore::set_playlist_tags(std::int64_t account_id,
                                              const std::string& playlist_id,
                                              const std::vector<std::string>& tags) {
  auto normalized = core::normalize_tags(tags);
  if (!normalized) return normalized.error();
  return impl_->run(
      "set tags of playlist " + playlist_id + " of " + describe_account(account_id),
      [&](pqxx::work& work) -> core::Status {
        // FOR UPDATE: a concurrent removal of the playlist waits for us, or we see it gone.
        if (work.exec_params(std::string(query::kPlaylistExists) + " FOR UPDATE", account_id,
                             playlist_id)
                .empty()) {
          return core::make_error(
              core::ErrorCode::NotFound,
              "playlist " + playlist_id + " of " + describe_account(account_id) + " not found");
        }
        work.exec_params(std::string(query::kDeleteTags), account_id, playlist_id);
        for (const std::string& tag : *normalized) {
          work.exec_params(std::string(query::kInsertTag), account_id, playlist_id, tag);
        }
        return core::ok();
      });
}

// ---- SessionStore ----

core::Status PostgresStore::create_session(const core::Session& session) {
  return impl_->run("create session of " + describe_user(session.app_user_id),
                    [&](pqxx::work& work) -> core::Status {
                      work.exec_params(std::string(query::kInsertSession), session.id_hash,
                                       session.app_user_id, session.csrf_token, session.created_at,
                                       session.last_seen_at, session.expires_at,
                                       core::clean_text(session.user_agent),
                                       core::clean_text(session.remote_address));
                      return core::ok();
                    });
}

core::Result<std::optional<core::Session>> PostgresStore::find_session(const std::string& id_hash) {
  return impl_->run(
      "find session", [&](pqxx::work& work) -> core::Result<std::optional<core::Session>> {
        const auto result = work.exec_params(std::string(query::kFindSession), id_hash);
        if (result.empty()) return std::optional<core::Session>();
        return std::optional(read_session(Row(result[0])));
      });
}

core::Status PostgresStore::touch_session(const std::string& id_hash, std::int64_t last_seen_at,
                                          std::int64_t expires_at) {
  return impl_->run("touch session", [&](pqxx::work& work) -> core::Status {
    return changed_or_not_found(
        work.exec_params(std::string(query::kTouchSession), last_seen_at, expires_at, id_hash),
        "session");
  });
}

core::Status PostgresStore::delete_session(const std::string& id_hash) {
  return impl_->run("delete session", [&](pqxx::work& work) -> core::Status {
    work.exec_params(std::string(query::kDeleteSession), id_hash);
    return core::ok();
  });
}

core::Status PostgresStore::delete_sessions_of(std::int64_t app_user_id,
                                               const std::string& except_id_hash) {
  return impl_->run(
      "delete sessions of " + describe_user(app_user_id), [&](pqxx::work& work) -> core::Status {
        work.exec_params(std::string(query::kDeleteSessionsOf), app_user_id, except_id_hash);
        return core::ok();
      });
}

core::Result<std::int64_t> PostgresStore::delete_expired_sessions(std::int64_t now) {
  return impl_->run("delete expired sessions", [&](pqxx::work& work) -> core::Result<std::int64_t> {
    return static_cast<std::int64_t>(
        work.exec_params(std::string(query::kDeleteExpiredSessions), now).affected_rows());
  });
}

core::Status PostgresStore::save_oauth_state(const core::OAuthState& state) {
  return impl_->run("save OAuth state of " + describe_user(state.app_user_id),
                    [&](pqxx::work& work) -> core::Status {
                      work.exec_params(std::string(query::kInsertOAuthState), state.state,
                                       state.app_user_id,
                                       impl_->cipher.encrypt(state.code_verifier),
                                       state.redirect_uri, state.expires_at);
                      return core::ok();
                    });
}

core::Result<std::optional<core::OAuthState>> PostgresStore::take_oauth_state(
    const std::string& state, std::int64_t now) {
  return impl_->run(
      "take OAuth state", [&](pqxx::work& work) -> core::Result<std::optional<core::OAuthState>> {
        // The row lock of DELETE lets one of two racing callbacks have the state.
        // An error (undecryptable verifier) rolls the delete back.
        const auto result = work.exec_params(std::string(query::kTakeOAuthState), state);
        if (result.empty()) return std::optional<core::OAuthState>();
        auto taken = read_oauth_state(Row(result[0]), impl_->cipher);
        if (!taken) return taken.error();
        if (taken->expires_at <= now) return std::optional<core::OAuthState>();
        return std::optional(std::move(*taken));
      });
}

core::Status PostgresStore::delete_expired_oauth_states(std::int64_t now) {
  return impl_->run("delete expired OAuth states", [&](pqxx::work& work) -> core::Status {
    work.exec_params(std::string(query::kDeleteExpiredOAuthStates), now);
    return core::ok();
  });
}

}  // namespace plm::sql
