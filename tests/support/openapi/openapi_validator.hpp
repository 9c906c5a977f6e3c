#pragma once

// A small OpenAPI 3.0 response validator for the spotify-emulator tests: every JSON body the
// emulator sends is checked against Spotify's published schemas. Strict by default (undeclared
// properties are reported, to catch emulator typos); the known gaps of the spec are configured
// through Leniency. See README.md next to this file.

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace plm::test_support {

struct Leniency {
  /// Properties the spec marks required that may be absent (known gaps / fields removed for
  /// development-mode apps in Feb 2026), as "SchemaName.property" or "*.property".
  /// "SchemaName" is any component schema that applies to the object, including allOf parents:
  /// both "SimplifiedAlbumObject.available_markets" and "AlbumBase.available_markets" work.
  std::set<std::string> optional_properties;
  /// When false (default), properties not declared in a schema are reported — the emulator should
  /// emit only documented fields. Some schemas need true.
  bool allow_unknown_properties = false;
  /// Properties that may be null although the schema does not say `nullable: true`, same syntax as
  /// optional_properties. The default holds the one gap the spec documents only in prose: a
  /// playlist entry's item is null when the track is no longer available.
  std::set<std::string> nullable_properties = {"PlaylistTrackObject.item",
                                               "PlaylistTrackObject.track"};
  /// Spotify's schemas mark almost nothing required (TrackObject, PlaylistObject, … have no
  /// `required` at all), so by default a forgotten field goes unnoticed. When true, every declared
  /// property that is not `deprecated: true` must be present, except those in optional_properties.
  bool require_all_declared = false;
};

class OpenApiSpec {
 public:
  /// Parses and compiles the whole document (all $refs resolved up front, so validation never
  /// looks anything up by name). Throws std::runtime_error with the file name and the reason.
  static OpenApiSpec load(const std::filesystem::path& yaml_file);

  /// Path template of the operation for a concrete path, e.g. "/playlists/abc/items" →
  /// "/playlists/{playlist_id}/items". A query string and the server's base path ("/v1") are
  /// ignored; literal segments win over parameters.
  std::optional<std::string> match_path(std::string_view method,
                                        std::string_view concrete_path) const;

  /// Accepts a template or a concrete path.
  bool has_operation(std::string_view method, std::string_view path_template) const;

  /// Validates a response body against the operation's schema for that status (falls back to
  /// "NXX" and then "default"; a documented response without content must have an empty body →
  /// pass nullptr json). Problems as "$.items[3].track.album: missing required property 'name'";
  /// empty = valid.
  std::vector<std::string> validate_response(std::string_view method,
                                             std::string_view concrete_or_template_path, int status,
                                             const nlohmann::json& body,
                                             const Leniency& leniency = {}) const;

  /// Validates against a named component schema, e.g. "PrivateUserObject".
  std::vector<std::string> validate_schema(std::string_view schema_name,
                                           const nlohmann::json& value,
                                           const Leniency& leniency = {}) const;

  /// True if the spec documents this status (exactly or as "NXX") for the operation.
  /// Accepts a template or a concrete path.
  bool documents_status(std::string_view method, std::string_view path_template, int status) const;

  struct Impl;

 private:
  explicit OpenApiSpec(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  // Shared and immutable: copies are cheap and concurrent validation is safe.
  std::shared_ptr<const Impl> impl_;
};

}  // namespace plm::test_support
