#include "catalog/csv.hpp"

namespace spotify_emulator {

CsvReader::CsvReader(std::string_view text) : text_(text) {
  if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
}

bool CsvReader::next_row(std::vector<std::string>& fields) {
  if (pos_ >= text_.size()) return false;
  row_line_ = line_;
  malformed_ = false;
  std::size_t count = 0;
  auto next_field = [&]() -> std::string& {
    if (count == fields.size()) fields.emplace_back();
    std::string& field = fields[count++];
    field.clear();
    return field;
  };
  std::string* field = &next_field();
  bool quoted = false;
  while (pos_ < text_.size()) {
    if (quoted) {
      // Copy the run up to the next quote in one go: quoted fields can be long.
      const std::size_t quote = text_.find('"', pos_);
      const std::size_t end = quote == std::string_view::npos ? text_.size() : quote;
      const std::string_view run = text_.substr(pos_, end - pos_);
      for (const char c : run) line_ += (c == '\n') ? 1 : 0;
      field->append(run);
      pos_ = end;
      if (quote == std::string_view::npos) {
        malformed_ = true;
        break;
      }
      ++pos_;
      if (pos_ < text_.size() && text_[pos_] == '"') {
        field->push_back('"');
        ++pos_;
      } else {
        quoted = false;
      }
      continue;
    }
    const char c = text_[pos_];
    if (c == ',') {
      ++pos_;
      field = &next_field();
    } else if (c == '\n' || c == '\r') {
      ++pos_;
      if (c == '\r' && pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
      ++line_;
      break;
    } else if (c == '"' && field->empty()) {
      quoted = true;
      ++pos_;
    } else {
      // Unquoted run: copy up to the next delimiter at once.
      std::size_t end = pos_;
      while (end < text_.size() && text_[end] != ',' && text_[end] != '\n' && text_[end] != '\r')
        ++end;
      field->append(text_.substr(pos_, end - pos_));
      pos_ = end;
    }
  }
  fields.resize(count);
  return true;
}

std::vector<std::vector<std::string>> parse_csv(std::string_view text) {
  std::vector<std::vector<std::string>> rows;
  CsvReader reader(text);
  std::vector<std::string> fields;
  while (reader.next_row(fields)) rows.push_back(fields);
  return rows;
}

}  // namespace spotify_emulator
