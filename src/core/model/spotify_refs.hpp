#pragma once
/// What a person pastes to name a playlist or a track: the bare Spotify id, the `spotify:` URI
/// Spotify's "Copy Spotify URI" gives, or the open.spotify.com link its "Share" gives
/// (`https://open.spotify.com/[intl-xx/]playlist/<id>[?si=…]`, with or without the scheme). One
/// reading for every command, the batch SELECTOR and the web API alike.

#include <optional>
#include <string>
#include <string_view>

namespace plm::core {

/// Spotify's ids: 22 base-62 characters.
bool is_spotify_id(std::string_view text);

/// The bare playlist id of a playlist id, a `spotify:playlist:<id>` URI or an open.spotify.com
/// playlist link; nullopt for anything else. Spaces around `text` are ignored.
std::optional<std::string> playlist_id_from(std::string_view text);

/// The URI a person means by `text`: a `spotify:track:`/`spotify:episode:` URI as it is, or an
/// `https://open.spotify.com/[intl-xx/]track|episode/<id>[?si=…]` link as the item's URI;
/// nullopt for anything else (spaces around it are ignored).
std::optional<std::string> item_uri_from(std::string_view text);

/// True when `text` looks like a URI or a link (it has a ':' or a '/'), so reading it as a
/// plain id would only hide a mistake: "spotify:album:…" or a link to an artist.
bool looks_like_uri_or_link(std::string_view text);

}  // namespace plm::core
