#pragma once
// Internal to plm::sql: the schema migrations compiled into the binary (generated from
// src/sql/migrations/<dialect>/NNNN_name.sql by embed_migrations.cmake).

#include <span>
#include <string_view>

namespace plm::sql {

struct Migration {
  int version;            ///< 1, 2, ... without gaps
  std::string_view name;  ///< "init"
  std::string_view sql;   ///< one or more statements
};

std::span<const Migration> sqlite_migrations();
std::span<const Migration> postgres_migrations();

}  // namespace plm::sql
