// The one source of plm_test_pch and plm_json_pch (cmake/plm_build_time.cmake): CMake compiles the
// precompiled header beside it, and the targets that reuse it include that header.
