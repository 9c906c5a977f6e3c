#include "web/static_files.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace plm::web {

namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path& path) {
  std::ifstream stream(path, std::ios::binary);
  std::ostringstream content;
  content << stream.rdbuf();
  return content.str();
}

}  // namespace

std::string StaticFiles::mime_type(const std::string& name) {
  static const std::map<std::string, std::string> kTypes{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".webmanifest", "application/manifest+json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".webp", "image/webp"},
      {".avif", "image/avif"},
      {".ico", "image/x-icon"},
      {".woff", "font/woff"},
      {".woff2", "font/woff2"},
      {".ttf", "font/ttf"},
      {".txt", "text/plain; charset=utf-8"},
      {".wasm", "application/wasm"},
  };
  const auto dot = name.rfind('.');
  if (dot == std::string::npos) return "application/octet-stream";
  std::string extension = name.substr(dot);
  for (auto& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto found = kTypes.find(extension);
  return found == kTypes.end() ? "application/octet-stream" : found->second;
}

StaticFiles::StaticFiles(const std::string& directory, const std::string& base_path) {
  std::error_code error;
  if (directory.empty() || !fs::is_directory(directory, error)) return;
  const fs::path root = fs::canonical(directory, error);
  if (error) return;
  for (auto it = fs::recursive_directory_iterator(root, error);
       !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    if (!it->is_regular_file(error)) continue;
    const fs::path relative = fs::relative(it->path(), root, error);
    if (error) break;
    std::string url = "/" + relative.generic_string();
    if (url.ends_with(".gz")) continue;  // attached to its original below
    File file;
    file.content = read_file(it->path());
    file.mime = mime_type(url);
    if (fs::path gz = it->path().string() + ".gz"; fs::is_regular_file(gz, error))
      file.gzipped = read_file(gz);
    if (url.starts_with("/assets/")) {
      // Vite puts a content hash in every asset name: a new build is a new URL.
      file.cache_control = "public, max-age=31536000, immutable";
    } else {
      file.cache_control = "no-cache";
    }
    if (url == "/index.html") {
      const std::string marker = "<!--PLM_BASE-->";
      const std::string base = "<base href=\"" + base_path + "\">";
      for (auto at = file.content.find(marker); at != std::string::npos;
           at = file.content.find(marker, at + base.size())) {
        file.content.replace(at, marker.size(), base);
      }
      file.gzipped.clear();  // the precompressed copy lacks the <base>
    }
    files_.emplace(std::move(url), std::move(file));
  }
}

http::Response StaticFiles::respond(const File& file, bool accepts_gzip) const {
  http::Response response;
  response.status = 200;
  response.set_header("Content-Type", file.mime);
  response.set_header("Cache-Control", file.cache_control);
  if (!file.gzipped.empty()) {
    response.set_header("Vary", "Accept-Encoding");
    if (accepts_gzip) {
      response.set_header("Content-Encoding", "gzip");
      response.body = file.gzipped;
      return response;
    }
  }
  response.body = file.content;
  return response;
}

std::optional<http::Response> StaticFiles::serve(const std::string& path, bool accepts_gzip) const {
  if (path.find("..") != std::string::npos || path.find('\0') != std::string::npos)
    return std::nullopt;
  if (path != "/" && path != "/index.html") {
    if (const auto found = files_.find(path); found != files_.end())
      return respond(found->second, accepts_gzip);
    if (path.starts_with("/assets/")) return std::nullopt;  // a missing asset is a 404, not the app
  }
  const auto index = files_.find("/index.html");
  if (index == files_.end()) return std::nullopt;
  return respond(index->second, accepts_gzip);
}

}  // namespace plm::web
