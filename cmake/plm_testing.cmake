include(GoogleTest)

# plm_add_tests(<target> LABEL <label> SOURCES <files...> LIBS <libs...>)
# One GoogleTest executable per module; every test case becomes a ctest test with the label.
function(plm_add_tests target)
  cmake_parse_arguments(ARG "" "LABEL" "SOURCES;LIBS" ${ARGN})
  add_executable(${target} ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gmock GTest::gtest_main plm::warnings)
  if(PLM_PCH)
    target_precompile_headers(${target} REUSE_FROM plm_test_pch)
  endif()
  if(PLM_UNITY_TESTS)
    set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 8)
    # GCC 12 at -O2 inlines more into a batch than into one file and then reports std::string
    # copies in char_traits.h as out of bounds or overflowing (-Warray-bounds, -Wstringop-overflow:
    # known false positives of GCC 12, like the -Wrestrict one of plm_warnings.cmake); the
    # emulator's tests failed the release build on both, though each file compiles clean alone.
    target_compile_options(${target} PRIVATE -Wno-array-bounds -Wno-stringop-overflow
      -Wno-stringop-overread)
  endif()
  gtest_discover_tests(${target}
    PROPERTIES LABELS "${ARG_LABEL}"
    ENVIRONMENT "PLM_SOURCE_DIR=${PROJECT_SOURCE_DIR}"
    DISCOVERY_TIMEOUT 60)
endfunction()
