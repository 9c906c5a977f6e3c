# plm::warnings: the warning set every target links. -Werror only when PLM_WERROR is on (ci preset);
# -Wno-restrict works around GCC bug 105329 (false positives in char_traits.h at -O2).
# -Wno-missing-field-initializers: g++ 12 warns on C++20 designated initializers that rely on
# default member initializers (Options{.port = 0}), which is exactly how we want to use them.
add_library(plm_warnings INTERFACE)
add_library(plm::warnings ALIAS plm_warnings)
target_compile_options(plm_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wno-restrict
  -Wno-missing-field-initializers)
option(PLM_WERROR "Treat warnings as errors" OFF)
if(PLM_WERROR)
  target_compile_options(plm_warnings INTERFACE -Werror)
endif()

option(PLM_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
if(PLM_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
