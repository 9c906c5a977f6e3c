#include "http/compression.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <random>

namespace plm::http {
namespace {

/// Inflates with zlib accepting the gzip wrapper only (windowBits 15 + 16), so a zlib or raw
/// deflate stream, a bad header or a wrong CRC-32 fails the test.
std::optional<std::string> gunzip(std::string_view compressed) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 16) != Z_OK) return std::nullopt;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  std::string out;
  int result = Z_OK;
  std::array<char, 16384> buffer;
  while (result == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer.data());
    stream.avail_out = static_cast<uInt>(buffer.size());
    result = inflate(&stream, Z_NO_FLUSH);
    out.append(buffer.data(), buffer.size() - stream.avail_out);
  }
  const bool consumed_all = stream.avail_in == 0;
  inflateEnd(&stream);
  if (result != Z_STREAM_END || !consumed_all) return std::nullopt;
  return out;
}

std::string sample_json(std::size_t items) {
  std::string json = "[";
  for (std::size_t i = 0; i < items; ++i) {
    json += R"({"id":")" + std::to_string(i * 7919) + R"(","name":"Track )" + std::to_string(i) +
            R"(","artists":["Someone"]},)";
  }
  json.back() = ']';
  return json;
}

TEST(GzipCompress, RoundTripsThroughZlibWithTheGzipWrapper) {
  const std::string json = sample_json(2000);

  const auto compressed = gzip_compress(json);

  ASSERT_GE(compressed.size(), 18u);
  // RFC 1952: ID1 ID2 = 1f 8b, CM = 8 (deflate).
  EXPECT_EQ(static_cast<unsigned char>(compressed[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(compressed[1]), 0x8b);
  EXPECT_EQ(compressed[2], 8);
  EXPECT_LT(compressed.size(), json.size() / 4);
  EXPECT_EQ(gunzip(compressed), json);
}

TEST(GzipCompress, TrailerHoldsCrc32AndSize) {
  const std::string text = "hello, gzip";
  const auto compressed = gzip_compress(text);
  const auto le32 = [&](std::size_t at) {
    std::uint32_t value = 0;
    for (int i = 3; i >= 0; --i)
      value = (value << 8) | static_cast<unsigned char>(compressed[at + i]);
    return value;
  };
  const auto crc =
      crc32(0L, reinterpret_cast<const Bytef*>(text.data()), static_cast<uInt>(text.size()));

  EXPECT_EQ(le32(compressed.size() - 8), crc);
  EXPECT_EQ(le32(compressed.size() - 4), text.size());
}

TEST(GzipCompress, HandlesEmptyIncompressibleAndEveryLevel) {
  EXPECT_EQ(gunzip(gzip_compress("")), "");

  std::mt19937 random(42);
  std::string noise(300'000, '\0');
  for (auto& c : noise) c = static_cast<char>(random());
  EXPECT_EQ(gunzip(gzip_compress(noise)), noise);  // grows a little: deflateBound must hold it

  const std::string json = sample_json(300);
  for (int level = 0; level <= 9; ++level) {
    EXPECT_EQ(gunzip(gzip_compress(json, level)), json) << "level " << level;
  }
}

TEST(GzipCompress, RejectsLevelsZlibDoesNotKnow) {
  EXPECT_THROW(gzip_compress("x", 10), std::runtime_error);
}

Request with_accept_encoding(std::vector<std::string> values) {
  Request request;
  for (auto& value : values) request.headers.emplace_back("Accept-Encoding", std::move(value));
  return request;
}

bool accepts(std::string value) { return accepts_gzip(with_accept_encoding({std::move(value)})); }

TEST(AcceptsGzip, NeedsAnAcceptEncodingHeader) {
  EXPECT_FALSE(accepts_gzip(Request{}));
  EXPECT_FALSE(accepts(""));
  EXPECT_FALSE(accepts("identity"));
  EXPECT_FALSE(accepts("br, deflate"));
  EXPECT_FALSE(accepts("gzipx, xgzip"));
}

TEST(AcceptsGzip, AcceptsGzipTokensCaseInsensitively) {
  EXPECT_TRUE(accepts("gzip"));
  EXPECT_TRUE(accepts("GZip"));
  EXPECT_TRUE(accepts("x-gzip"));
  EXPECT_TRUE(accepts("gzip, deflate, br, zstd"));  // what browsers send
  EXPECT_TRUE(accepts("br ,\t gzip ,deflate"));
  auto request = with_accept_encoding({"br"});
  request.headers.emplace_back("accept-encoding", "gzip");  // a second header counts too
  EXPECT_TRUE(accepts_gzip(request));
}

TEST(AcceptsGzip, QZeroIsARefusal) {
  EXPECT_FALSE(accepts("gzip;q=0"));
  EXPECT_FALSE(accepts("gzip ; Q=0.000"));
  EXPECT_FALSE(accepts("gzip;q=0, *"));  // the named coding wins over the wildcard
  EXPECT_FALSE(accepts("br;q=1, gzip;q=0.0"));
  EXPECT_FALSE(accepts("gzip;q=junk"));  // malformed: uncompressed is the safe reading
  EXPECT_TRUE(accepts("gzip;q=0.001"));
  EXPECT_TRUE(accepts("gzip;q=1.0, identity; q=0.5"));
  EXPECT_TRUE(accepts("gzip;level=1;q=0.5"));
}

TEST(AcceptsGzip, WildcardCountsWhenGzipIsNotNamed) {
  EXPECT_TRUE(accepts("*"));
  EXPECT_TRUE(accepts("br, *;q=0.1"));
  EXPECT_FALSE(accepts("*;q=0"));
  EXPECT_TRUE(accepts("*;q=0, gzip"));
}

}  // namespace
}  // namespace plm::http
