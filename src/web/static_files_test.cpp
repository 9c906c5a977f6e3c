#include "web/static_files.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace plm::web {
namespace {

namespace fs = std::filesystem;

class StaticFilesTest : public ::testing::Test {
 protected:
  StaticFilesTest() {
    directory_ = fs::temp_directory_path() / ("plm-static-" + std::to_string(::getpid()));
    fs::remove_all(directory_);
    fs::create_directories(directory_ / "assets");
    std::ofstream(directory_ / "index.html") << "<head><!--PLM_BASE--></head>";
    std::ofstream(directory_ / "assets/app-1.js") << "js";
    std::ofstream(directory_ / "assets/app-1.js.gz") << "gzipped-js";
    std::ofstream(directory_ / "robots.txt") << "User-agent: *";
  }
  ~StaticFilesTest() override { fs::remove_all(directory_); }
  fs::path directory_;
};

TEST_F(StaticFilesTest, ServesFilesTheIndexForAppRoutesAndPrecompressedAssets) {
  const StaticFiles files(directory_.string(), "/plm/");

  const auto index = files.serve("/", false);
  const auto route = files.serve("/playlists/abc", false);
  const auto asset = files.serve("/assets/app-1.js", false);
  const auto gzipped = files.serve("/assets/app-1.js", true);
  const auto robots = files.serve("/robots.txt", false);

  ASSERT_TRUE(index && route && asset && gzipped && robots);
  EXPECT_EQ(index->body, "<head><base href=\"/plm/\"></head>");
  EXPECT_EQ(index->header("Cache-Control"), "no-cache");
  EXPECT_EQ(route->body, index->body);
  EXPECT_EQ(asset->body, "js");
  EXPECT_EQ(asset->header("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(asset->header("Vary"), "Accept-Encoding");
  EXPECT_EQ(gzipped->body, "gzipped-js");
  EXPECT_EQ(gzipped->header("Content-Encoding"), "gzip");
  EXPECT_EQ(robots->header("Content-Type"), "text/plain; charset=utf-8");
}

TEST_F(StaticFilesTest, NeverServesMissingAssetsTraversalsOrAnythingWithoutAnIndex) {
  const StaticFiles files(directory_.string(), "/");
  const StaticFiles none((directory_ / "missing").string(), "/");

  EXPECT_FALSE(files.serve("/assets/missing.js", false));
  EXPECT_FALSE(files.serve("/../index.html", false));
  EXPECT_FALSE(files.serve("/assets/../../etc/passwd", false));
  EXPECT_FALSE(none.serve("/", false));
  EXPECT_FALSE(none.has_index());
}

TEST(MimeType, ByExtension) {
  EXPECT_EQ(StaticFiles::mime_type("a.CSS"), "text/css; charset=utf-8");
  EXPECT_EQ(StaticFiles::mime_type("a.woff2"), "font/woff2");
  EXPECT_EQ(StaticFiles::mime_type("noextension"), "application/octet-stream");
}

}  // namespace
}  // namespace plm::web
