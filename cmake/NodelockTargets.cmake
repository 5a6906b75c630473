# Warnings, sanitizers and the one way every module declares its library.
add_library(nodelock_warnings INTERFACE)
target_compile_options(nodelock_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow
                                                  -Wnon-virtual-dtor -Wold-style-cast)
if(NODELOCK_WERROR)
  target_compile_options(nodelock_warnings INTERFACE -Werror)
endif()

if(NODELOCK_SANITIZE)
  # GCC 12's flow analysis under ASan reports std::function inside <regex>
  # (reached through httplib.h) as maybe-uninitialized: a known false positive
  # that would stop the -Werror build, so this one warning stays off there.
  target_compile_options(nodelock_warnings INTERFACE -Wno-maybe-uninitialized)
  # -Og: instrumented code at -O2 compiles four times slower for no extra
  # findings; the optimised build is the plain one. Placed after the build type's
  # flags on the command line, so it wins over their -O2.
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined -Og)
  add_link_options(-fsanitize=address,undefined)
endif()

if(NODELOCK_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "NODELOCK_FUZZ needs clang (CMAKE_CXX_COMPILER=clang++), "
                        "not ${CMAKE_CXX_COMPILER_ID}")
  endif()
  # Every library gets libFuzzer's coverage instrumentation and the sanitizers;
  # only the fuzz targets link libFuzzer's main (tests/fuzz).
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# nodelock_precompile_headers(<target> <header>...)
# Precompiles third-party headers most of a target's files parse: json.hpp,
# gtest.h and httplib.h each cost a file two to three seconds to parse, saved
# once they come from a precompiled header. A precompiled header costs about one
# file's compile itself, so targets with few files build without one.
function(nodelock_precompile_headers target)
  get_target_property(sources ${target} SOURCES)
  list(LENGTH sources source_count)
  if(NODELOCK_PCH AND source_count GREATER_EQUAL 4)
    target_precompile_headers(${target} PRIVATE ${ARGN})
  endif()
endfunction()

# nodelock_module(<name> SOURCES ... [PUBLIC_DEPS ...] [PRIVATE_DEPS ...])
# Declares library nodelock_<name>, its alias nodelock::<name>, its public include
# directory <module>/include, and marks it for installation.
function(nodelock_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(nodelock_${name} ${ARG_SOURCES})
  add_library(nodelock::${name} ALIAS nodelock_${name})
  set_target_properties(nodelock_${name} PROPERTIES EXPORT_NAME ${name}
                                                    OUTPUT_NAME nodelock_${name})
  target_include_directories(nodelock_${name} PUBLIC
    $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  target_link_libraries(nodelock_${name} PUBLIC ${ARG_PUBLIC_DEPS}
                                         PRIVATE ${ARG_PRIVATE_DEPS} nodelock_warnings)
  set_property(GLOBAL APPEND PROPERTY NODELOCK_INSTALLED_TARGETS nodelock_${name})
endfunction()
