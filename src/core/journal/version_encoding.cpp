#include "core/journal/version_encoding.hpp"

#include <charconv>
#include <unordered_map>

namespace plm::core {
namespace {

// Lines are "+<uri>\t<added_at unix seconds, or empty>\t<added_by>" for an item and
// "=<start>,<length>" for a run of the previous version's items. Field text escapes '%', tab,
// line feed, carriage return and NUL as %XX, so any byte survives (PostgreSQL text holds no NUL).

void append_escaped(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (const char c : text) {
    if (c == '%' || c == '\t' || c == '\n' || c == '\r' || c == '\0') {
      out += '%';
      out += kHex[(static_cast<unsigned char>(c) >> 4) & 0xF];
      out += kHex[static_cast<unsigned char>(c) & 0xF];
    } else {
      out += c;
    }
  }
}

std::optional<std::string> unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;  // a '%' needs two hex digits
    unsigned value = 0;
    const auto [end, error] = std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
    if (error != std::errc() || end != text.data() + i + 3) return std::nullopt;
    out += static_cast<char>(value);
    i += 2;
  }
  return out;
}

void append_item(std::string& out, const VersionItem& item) {
  out += '+';
  append_escaped(out, item.uri);
  out += '\t';
  if (item.added_at) out += std::to_string(to_unix_seconds(*item.added_at));
  out += '\t';
  append_escaped(out, item.added_by);
  out += '\n';
}

template <typename Number>
bool parse_number(std::string_view text, Number& value) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size() && !text.empty();
}

std::optional<VersionItem> parse_item(std::string_view line) {
  const auto first_tab = line.find('\t');
  if (first_tab == std::string_view::npos) return std::nullopt;
  const auto second_tab = line.find('\t', first_tab + 1);
  if (second_tab == std::string_view::npos) return std::nullopt;
  auto uri = unescape(line.substr(0, first_tab));
  auto added_by = unescape(line.substr(second_tab + 1));
  if (!uri || !added_by) return std::nullopt;
  VersionItem item{std::move(*uri), std::nullopt, std::move(*added_by)};
  const std::string_view added_at = line.substr(first_tab + 1, second_tab - first_tab - 1);
  if (!added_at.empty()) {
    std::int64_t seconds = 0;
    if (!parse_number(added_at, seconds)) return std::nullopt;
    item.added_at = from_unix_seconds(seconds);
  }
  return item;
}

std::string item_key(const VersionItem& item) {
  std::string key;
  append_item(key, item);
  return key;
}

}  // namespace

std::string encode_full(const std::vector<VersionItem>& items) {
  std::string text;
  text.reserve(items.size() * 64);
  for (const VersionItem& item : items) append_item(text, item);
  return text;
}

EncodedItems encode_items(const std::vector<VersionItem>& items,
                          const std::optional<std::vector<VersionItem>>& previous,
                          std::int64_t previous_depth) {
  std::string full = encode_full(items);
  if (!previous || previous_depth + 1 > kMaxDeltaChain) return {std::move(full), 0};
  // The k-th copy of an item (all of it: URI, added_at, added_by) is matched with its k-th copy in
  // the version before; runs of matches at consecutive positions become one line.
  std::unordered_map<std::string, std::vector<std::int64_t>> positions;
  for (std::size_t i = 0; i < previous->size(); ++i) {
    positions[item_key((*previous)[i])].push_back(static_cast<std::int64_t>(i));
  }
  std::unordered_map<std::string, std::size_t> used;
  std::string delta;
  std::int64_t run_start = -1;
  std::int64_t run_length = 0;
  const auto close_run = [&] {
    if (run_length > 0) {
      delta += '=' + std::to_string(run_start) + ',' + std::to_string(run_length) + '\n';
    }
    run_length = 0;
  };
  for (const VersionItem& item : items) {
    std::string key = item_key(item);
    const auto found = positions.find(key);
    std::size_t& copies_used = used[key];
    if (found == positions.end() || copies_used >= found->second.size()) {
      close_run();
      delta += key;
      continue;
    }
    const std::int64_t at = found->second[copies_used++];
    if (run_length > 0 && at == run_start + run_length) {
      ++run_length;
      continue;
    }
    close_run();
    run_start = at;
    run_length = 1;
  }
  close_run();
  if (delta.size() * 2 >= full.size()) return {std::move(full), 0};
  return {std::move(delta), previous_depth + 1};
}

Result<std::vector<VersionItem>> decode_items(std::string_view text,
                                              const std::vector<VersionItem>& previous) {
  std::vector<VersionItem> items;
  const auto corrupt = [](std::string_view why) {
    return make_error(ErrorCode::InvalidInput,
                      "stored version items are corrupt: " + std::string(why));
  };
  while (!text.empty()) {
    const auto end = text.find('\n');
    if (end == std::string_view::npos) return corrupt("a line has no end");
    const std::string_view line = text.substr(1, end - 1);
    const char kind = text[0];
    text.remove_prefix(end + 1);
    if (kind == '+') {
      auto item = parse_item(line);
      if (!item) return corrupt("an item line is malformed");
      items.push_back(std::move(*item));
    } else if (kind == '=') {
      const auto comma = line.find(',');
      std::size_t start = 0;
      std::size_t length = 0;
      if (comma == std::string_view::npos || !parse_number(line.substr(0, comma), start) ||
          !parse_number(line.substr(comma + 1), length)) {
        return corrupt("a run line is malformed");
      }
      if (start > previous.size() || length > previous.size() - start) {
        return corrupt("a run reaches past the version before");
      }
      items.insert(items.end(), previous.begin() + static_cast<long>(start),
                   previous.begin() + static_cast<long>(start + length));
    } else {
      return corrupt("a line starts with neither + nor =");
    }
  }
  return items;
}

}  // namespace plm::core
