#include "core/model/spotify_refs.hpp"

#include <algorithm>

#include "core/model/text.hpp"
#include "core/write/playlist_edits.hpp"

namespace plm::core {

namespace {

bool is_base62(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool consume(std::string_view& text, std::string_view prefix) {
  if (!text.starts_with(prefix)) return false;
  text.remove_prefix(prefix.size());
  return true;
}

/// The id of `https://open.spotify.com/[intl-xx/]<kind>/<id>[?si=…]` (http and no scheme too),
/// or nullopt when `text` is no such link.
std::optional<std::string> id_from_link(std::string_view text, std::string_view kind) {
  if (!consume(text, "https://")) consume(text, "http://");
  if (!consume(text, "open.spotify.com/")) return std::nullopt;
  if (text.starts_with("intl-")) {
    const auto slash = text.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    text.remove_prefix(slash + 1);
  }
  if (!consume(text, kind) || !consume(text, "/")) return std::nullopt;
  const auto end = text.find_first_of("?#/");
  const auto id = text.substr(0, end);
  if (!is_spotify_id(id)) return std::nullopt;
  return std::string(id);
}

}  // namespace

bool is_spotify_id(std::string_view text) {
  return text.size() == 22 && std::all_of(text.begin(), text.end(), is_base62);
}

std::optional<std::string> playlist_id_from(std::string_view text) {
  text = trim_spaces(text);
  if (is_spotify_id(text)) return std::string(text);
  std::string_view uri = text;
  if (consume(uri, "spotify:playlist:")) {
    if (is_spotify_id(uri)) return std::string(uri);
    return std::nullopt;
  }
  return id_from_link(text, "playlist");
}

std::optional<std::string> item_uri_from(std::string_view text) {
  text = trim_spaces(text);
  if (is_item_uri(text)) return std::string(text);
  for (const std::string_view kind : {"track", "episode"}) {
    if (auto id = id_from_link(text, kind)) return "spotify:" + std::string(kind) + ":" + *id;
  }
  return std::nullopt;
}

bool looks_like_uri_or_link(std::string_view text) {
  return text.find_first_of(":/") != std::string_view::npos;
}

}  // namespace plm::core
