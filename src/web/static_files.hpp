#pragma once
/// The built single-page app, read into memory at start: index.html (with the <base href> for the
/// public URL's path), hashed assets with long caching, and the precompressed `.gz` siblings Vite
/// may write. Requests are looked up in that map, never on disk, so no path can escape the folder.

#include <map>
#include <optional>
#include <string>

#include "http/message.hpp"

namespace plm::web {

class StaticFiles {
 public:
  /// Loads every regular file under `directory` (none when it does not exist). `base_path` is the
  /// public URL's path ("/" or "/plm/"): `<!--PLM_BASE-->` in index.html becomes
  /// `<base href="{base_path}">`.
  StaticFiles(const std::string& directory, const std::string& base_path);

  bool has_index() const { return files_.count("/index.html") > 0; }
  std::size_t size() const { return files_.size(); }

  /// The file for a GET of `path` ("/assets/app-1234.js"); SPA routes (any other path that is not
  /// a file and not under /assets/) give index.html. Nullopt when nothing fits.
  std::optional<http::Response> serve(const std::string& path, bool accepts_gzip) const;

  /// The MIME type for a file name, by extension ("application/octet-stream" when unknown).
  static std::string mime_type(const std::string& name);

 private:
  struct File {
    std::string content;
    std::string gzipped;  ///< empty when there is no .gz sibling
    std::string mime;
    std::string cache_control;
  };
  http::Response respond(const File& file, bool accepts_gzip) const;

  std::map<std::string, File> files_;
};

}  // namespace plm::web
