#include "http/compression.hpp"

#include <zlib.h>

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace plm::http {

namespace {

/// Owns a deflate stream so every exit path frees zlib's state.
class Deflater {
 public:
  explicit Deflater(int level) {
    // windowBits 15 + 16 asks zlib for the gzip wrapper instead of the zlib one; memLevel 8 is
    // zlib's default.
    if (deflateInit2(&stream_, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      throw std::runtime_error("gzip_compress: deflateInit2 failed");
    }
  }
  ~Deflater() { deflateEnd(&stream_); }
  Deflater(const Deflater&) = delete;
  Deflater& operator=(const Deflater&) = delete;
  z_stream& get() { return stream_; }

 private:
  z_stream stream_{};
};

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

/// Whether an element's parameters ("q=0.5", "Q=0") leave its q-value above zero. A missing q is
/// 1; a malformed one counts as 0, since sending uncompressed is always safe.
bool positive_q(std::string_view parameters) {
  while (!parameters.empty()) {
    const auto semicolon = parameters.find(';');
    const auto parameter = trim(parameters.substr(0, semicolon));
    parameters =
        semicolon == std::string_view::npos ? std::string_view{} : parameters.substr(semicolon + 1);
    const auto equals = parameter.find('=');
    if (equals == std::string_view::npos || !iequals(trim(parameter.substr(0, equals)), "q")) {
      continue;
    }
    const auto value = trim(parameter.substr(equals + 1));
    // qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
    if (value.empty() || (value[0] != '0' && value[0] != '1')) return false;
    if (value.size() > 1 && value[1] != '.') return false;
    bool any_nonzero = value[0] == '1';
    for (std::size_t i = 2; i < value.size(); ++i) {
      if (value[i] < '0' || value[i] > '9') return false;
      any_nonzero = any_nonzero || value[i] != '0';
    }
    return any_nonzero;
  }
  return true;
}

}  // namespace

std::string gzip_compress(std::string_view data, int level) {
  Deflater deflater(level);
  z_stream& stream = deflater.get();
  std::string out;
  // deflateBound covers the gzip header and trailer too, so small and typical inputs take one
  // deflate call and one allocation.
  out.resize(deflateBound(&stream, static_cast<uLong>(std::min<std::size_t>(
                                       data.size(), std::numeric_limits<uLong>::max()))));
  std::size_t written = 0;
  constexpr std::size_t kMaxChunk = std::numeric_limits<uInt>::max();
  for (;;) {
    // zlib counts in uInt: feed inputs beyond 4 GiB in pieces.
    const std::size_t in_chunk = std::min(data.size(), kMaxChunk);
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = static_cast<uInt>(in_chunk);
    const int flush = in_chunk == data.size() ? Z_FINISH : Z_NO_FLUSH;
    int result = Z_OK;
    do {
      if (written == out.size()) out.resize(out.size() * 2 + 64);
      const std::size_t out_chunk = std::min(out.size() - written, kMaxChunk);
      stream.next_out = reinterpret_cast<Bytef*>(out.data() + written);
      stream.avail_out = static_cast<uInt>(out_chunk);
      result = deflate(&stream, flush);
      if (result == Z_STREAM_ERROR) throw std::runtime_error("gzip_compress: deflate failed");
      written += out_chunk - stream.avail_out;
    } while (stream.avail_out == 0 || (flush == Z_FINISH && result != Z_STREAM_END));
    data.remove_prefix(in_chunk);
    if (flush == Z_FINISH) break;
  }
  out.resize(written);
  return out;
}

bool accepts_gzip(const Request& request) {
  bool named = false;     // gzip or x-gzip was listed
  bool named_ok = false;  // ... with a q-value above 0
  bool star = false;      // "*" was listed
  bool star_ok = false;   // ... with a q-value above 0
  for (const auto& [name, value] : request.headers) {
    if (!iequals(name, "Accept-Encoding")) continue;
    std::string_view list = value;
    while (!list.empty()) {
      const auto comma = list.find(',');
      const auto element = list.substr(0, comma);
      list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
      const auto semicolon = element.find(';');
      const auto coding = trim(element.substr(0, semicolon));
      const auto parameters =
          semicolon == std::string_view::npos ? std::string_view{} : element.substr(semicolon + 1);
      if (iequals(coding, "gzip") || iequals(coding, "x-gzip")) {
        named = true;
        named_ok = named_ok || positive_q(parameters);
      } else if (coding == "*") {
        star = true;
        star_ok = star_ok || positive_q(parameters);
      }
    }
  }
  if (named) return named_ok;
  return star && star_ok;
}

}  // namespace plm::http
