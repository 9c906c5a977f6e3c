# Build time. A fresh clone's CI run builds two presets from nothing on 2 cores (README "Tests and
# CI"), and the builds are its critical path; what follows cuts their CPU time without changing
# what is compiled.

# lld links the big test executables (debug information, ASan) several times faster than GNU ld,
# on both cores; GNU ld stays the fallback where lld is not installed (scripts/setup.sh installs it).
include(CheckLinkerFlag)
option(PLM_LLD "Link with lld when it is installed" ON)
if(PLM_LLD)
  check_linker_flag(CXX -fuse-ld=lld PLM_HAVE_LLD)
  if(PLM_HAVE_LLD)
    add_link_options(-fuse-ld=lld)
  endif()
endif()

# Precompiled headers. Every test executable includes GoogleTest and GoogleMock, most files also
# nlohmann/json and the same standard headers, and parsing them again was a third of a product file's
# compile time and a sixth of a test file's. Two headers are compiled once each and reused by every
# target of their kind (REUSE_FROM needs the same compile flags, which those targets share; a
# mismatch is an -Winvalid-pch warning, so an error where warnings are): plm_test_pch by every test
# executable (plm_add_tests), plm_json_pch by the libraries that use nlohmann/json
# (plm_precompile_json). ccache caches a file compiled with a precompiled header only with
# CCACHE_SLOPPINESS=pch_defines,time_macros, which the presets' compiler launcher sets. Off in the
# dev preset: there each file still has to name its own includes to compile.
option(PLM_PCH "Precompile the headers the tests and the JSON libraries share" OFF)
set(plm_pch_std_headers <algorithm> <chrono> <cstdint> <functional> <map> <memory> <optional>
  <set> <string> <string_view> <vector>)
if(PLM_PCH)
  add_library(plm_test_pch OBJECT ${PROJECT_SOURCE_DIR}/cmake/pch.cpp)
  target_link_libraries(plm_test_pch PRIVATE GTest::gtest GTest::gmock nlohmann_json::nlohmann_json
    plm::warnings)
  target_precompile_headers(plm_test_pch PRIVATE <gtest/gtest.h> <gmock/gmock.h>
    <nlohmann/json.hpp> <filesystem> ${plm_pch_std_headers})

  add_library(plm_json_pch OBJECT ${PROJECT_SOURCE_DIR}/cmake/pch.cpp)
  target_link_libraries(plm_json_pch PRIVATE nlohmann_json::nlohmann_json plm::warnings)
  target_precompile_headers(plm_json_pch PRIVATE <nlohmann/json.hpp> ${plm_pch_std_headers})
endif()

# plm_precompile_json(<target>): a library that uses nlohmann/json reuses plm_json_pch.
function(plm_precompile_json target)
  if(PLM_PCH)
    target_precompile_headers(${target} REUSE_FROM plm_json_pch)
  endif()
endfunction()

# Unity builds for the tests: each test executable compiles its files in batches of 8, one
# translation unit per batch, so the GoogleTest, nlohmann/json and standard templates the files
# share are instantiated and compiled once per batch instead of once per file (at -O0 with ASan
# that code generation is most of a test file's cost). Names a test file keeps to itself (in its
# anonymous namespace) must therefore differ from those of the other test files of its executable:
# a clash is a "redefinition" error in the release and ASan presets. Off in the dev preset, where
# one edited test file recompiles alone.
option(PLM_UNITY_TESTS "Compile each test executable as unity batches" OFF)
