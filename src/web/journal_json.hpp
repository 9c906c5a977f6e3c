#pragma once
/// The history API's text forms (api/openapi.yaml), shared with `plm playlist history --json`: the
/// PlaylistVersion and PlaylistVersionDetails bodies from the core's journal model, so scripts and
/// the front end read one shape.

#include <cstdint>
#include <optional>
#include <string>

#include "core/journal/playlist_version.hpp"

namespace plm::web {

/// The PlaylistVersion schema: a version without its items, with its changes against the version
/// before. `username` is the name of the app user of its cause (nullopt: none, or deleted).
std::string version_json(const core::RecordedVersion& version,
                         const std::optional<std::string>& username);

/// The PlaylistVersionDetails schema: the version, its items, and `diff` (what turns the
/// version `against` into it; `against` nullopt: against no items at all, for a first version).
std::string version_details_json(const core::RecordedVersion& version,
                                 const std::optional<std::string>& username,
                                 std::optional<std::int64_t> against,
                                 const core::VersionDiff& diff);

}  // namespace plm::web
