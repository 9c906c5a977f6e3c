#pragma once
/// core::MatchStore on the plm database (tables of migration 0008_matching), written once for
/// SQLite and PostgreSQL on the connection layer (connection.hpp). sql::Store hands one out over
/// transactions of its own (Store::matches()), and each unit of work one over the unit's
/// transaction (core::TransactionPorts::matches()), so a paste and its job are stored together.
///
/// Every change of a paste's lines locks the paste's row first (Connection::for_update), then
/// takes its seqs: on PostgreSQL from a sequence, whose values are handed out in the order asked
/// for rather than committed; the lock makes one paste's changes commit in seq order, so a poll
/// by seq (paste_lines(id, since)) never misses one. On SQLite a counter row, safe under its one
/// writer at a time.

#include <memory>

#include "core/ports/match_store.hpp"

namespace plm::sql {

class TransactionScope;

class SqlMatchStore final : public core::MatchStore {
 public:
  explicit SqlMatchStore(std::shared_ptr<TransactionScope> scope);
  ~SqlMatchStore() override;
  SqlMatchStore(const SqlMatchStore&) = delete;
  SqlMatchStore& operator=(const SqlMatchStore&) = delete;

  core::Result<core::StoredPaste> create_paste(std::int64_t owner_user_id, std::int64_t account_id,
                                               const std::vector<std::string>& inputs,
                                               core::TimePoint now) override;
  core::Result<std::optional<core::StoredPaste>> find_paste(std::int64_t paste_id) override;
  core::Status set_paste_job(std::int64_t paste_id, std::int64_t job_id) override;
  core::Result<std::vector<core::PasteLineRow>> paste_lines(std::int64_t paste_id,
                                                            std::int64_t since) override;
  core::Status save_line_results(std::int64_t paste_id,
                                 const std::vector<core::LineMatch>& results) override;
  core::Result<core::PasteLineRow> decide_line(
      std::int64_t paste_id, std::size_t number, core::LineDecision decision,
      const std::optional<core::TrackInfo>& chosen) override;
  core::Status delete_paste(std::int64_t paste_id) override;

  core::Result<std::optional<core::TrackInfo>> remembered_choice(std::int64_t user_id,
                                                                 const std::string& key) override;
  core::Status remember_choice(std::int64_t user_id, const std::string& key,
                               const core::TrackInfo& track, core::TimePoint now) override;
  core::Status forget_choice(std::int64_t user_id, const std::string& key) override;

  core::Result<std::optional<std::vector<core::TrackInfo>>> cached_lookup(
      const std::string& key, core::TimePoint not_before) override;
  core::Status cache_lookup(const std::string& key, const std::vector<core::TrackInfo>& tracks,
                            core::TimePoint now) override;
  core::Result<std::int64_t> prune_lookups(core::TimePoint before) override;

  core::Result<std::vector<core::TrackInfo>> known_tracks(std::int64_t account_id) override;

 private:
  std::shared_ptr<TransactionScope> scope_;
};

}  // namespace plm::sql
