#pragma once

// Helpers shared by the catalog unit tests.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>

namespace spotify_emulator::testing {

/// A fresh directory under the GoogleTest temp dir, removed when the object goes away.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::path(::testing::TempDir()) /
            ("plm_catalog_" + std::string(info->test_suite_name()) + "_" + info->name());
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::filesystem::path write(const std::string& name, std::string_view content) const {
    const auto file = path_ / name;
    std::ofstream(file, std::ios::binary) << content;
    return file;
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// The repository root from PLM_SOURCE_DIR (set by plm_add_tests), if any.
inline std::optional<std::filesystem::path> source_dir() {
  const char* value = std::getenv("PLM_SOURCE_DIR");
  if (value == nullptr) return std::nullopt;
  return std::filesystem::path(value);
}

inline std::filesystem::path demo_catalog_path() {
  const auto root = source_dir();
  return (root ? *root : std::filesystem::path(".")) /
         "tools/spotify-emulator/catalog/data/demo_catalog.csv";
}

inline std::filesystem::path default_seed_path() {
  const auto root = source_dir();
  return (root ? *root : std::filesystem::path(".")) /
         "tools/spotify-emulator/catalog/seeds/default.json";
}

}  // namespace spotify_emulator::testing
