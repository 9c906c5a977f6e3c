#include "sql/connection.hpp"

namespace plm::sql {

Param::Type Param::type() const {
  switch (value_.index()) {
    case 0:
      return Type::Null;
    case 1:
      return Type::Integer;
    case 2:
      return Type::Boolean;
    case 5:
      return Type::Real;
    case 6:
      return Type::Bytes;
    default:
      return Type::Text;
  }
}

std::string_view Param::text() const {
  if (const auto* view = std::get_if<std::string_view>(&value_)) return *view;
  if (const auto* bytes = std::get_if<Bytes>(&value_)) return bytes->data;
  return std::get<std::string>(value_);
}

std::string column_list(std::span<const std::string_view> columns) {
  std::string list;
  for (const std::string_view column : columns) {
    if (!list.empty()) list += ", ";
    list += column;
  }
  return list;
}

std::string on_conflict_clause(const RowsTarget& target) {
  if (target.key_columns.empty()) return "";
  std::string updates;
  for (const std::string_view column : target.columns) {
    bool is_key = false;
    for (const std::string_view key : target.key_columns) is_key = is_key || key == column;
    if (is_key) continue;
    if (!updates.empty()) updates += ", ";
    updates += std::string(column) + " = excluded." + std::string(column);
  }
  return " ON CONFLICT (" + column_list(target.key_columns) + ")" +
         (updates.empty() ? " DO NOTHING" : " DO UPDATE SET " + updates);
}

}  // namespace plm::sql
