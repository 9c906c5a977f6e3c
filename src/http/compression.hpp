#pragma once
/// Gzip for response bodies (zlib inside compression.cpp). The caller decides what is worth
/// compressing (text, JSON, larger than a few hundred bytes) and sets `Content-Encoding: gzip` and
/// `Vary: Accept-Encoding` itself; the server sends bodies as given.

#include <string>
#include <string_view>

#include "http/message.hpp"

namespace plm::http {

/// Compresses `data` into the gzip format (RFC 1952: header, deflate stream, CRC-32 and size), as
/// `gzip -d` and browsers expect for `Content-Encoding: gzip`. `level` is zlib's 0 (store) to 9
/// (smallest); 6 is zlib's own default balance of speed and size. Throws std::runtime_error if
/// zlib fails (out of memory, or a level outside 0-9).
std::string gzip_compress(std::string_view data, int level = 6);

/// Whether the client accepts a gzip-encoded response, from its Accept-Encoding header(s) (RFC
/// 9110 section 12.5.3): `gzip` (or the legacy `x-gzip`) with a q-value above 0, or else `*` with
/// a q-value above 0. Tokens and parameter names are case-insensitive; `gzip;q=0` is a refusal even
/// when `*` is accepted. No header means no: uncompressed is always safe.
bool accepts_gzip(const Request& request);

}  // namespace plm::http
