# libFuzzer targets: one executable per tests/fuzz/fuzz_<name>.c, built only with
# -DMS_FUZZ=ON and clang (CC=clang), each registered with ctest as fuzz.<name> (label
# `fuzz`) for a short bounded run. See tests/fuzz/README.md.
#
# Each fuzzer is compiled with the few core sources it needs (listed below), not the
# whole core, so a fuzzer binary stays small and does not pull in sofia-sip or libuv.

option(MS_FUZZ "Build the libFuzzer targets in tests/fuzz (needs clang)" OFF)
set(MS_FUZZ_SECONDS 20 CACHE STRING "How long each fuzz.* ctest runs its fuzzer")

if(NOT MS_FUZZ)
  return()
endif()
if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
  message(WARNING "MS_FUZZ=ON needs clang (configure with CC=clang in a fresh build "
                  "directory); the fuzzers are not built")
  return()
endif()

set(MS_FUZZ_DIR ${PROJECT_SOURCE_DIR}/tests/fuzz)
set(MS_SRC ${PROJECT_SOURCE_DIR}/core/src)

# The core sources each fuzzer needs besides base/error.c and base/log.c.
set(MS_FUZZ_SOURCES_rtp ${MS_SRC}/rtp/rtp_packet.c ${MS_SRC}/rtp/rfc4733.c ${MS_SRC}/rtp/rtcp.c)
set(MS_FUZZ_SOURCES_sdp ${MS_SRC}/sip/sdp_parse.c ${MS_SRC}/sip/sdp_negotiate.c
    ${MS_SRC}/sip/sdp_write.c)
set(MS_FUZZ_SOURCES_sip_dtmf ${MS_SRC}/sip/sip_dtmf.c)

set(MS_FUZZ_FLAGS -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
    -fno-omit-frame-pointer -g -O1)

file(GLOB MS_FUZZERS CONFIGURE_DEPENDS ${MS_FUZZ_DIR}/fuzz_*.c)
foreach(src ${MS_FUZZERS})
  get_filename_component(target ${src} NAME_WE)
  string(REGEX REPLACE "^fuzz_" "" name ${target})
  if(NOT DEFINED MS_FUZZ_SOURCES_${name})
    message(WARNING "${src}: add MS_FUZZ_SOURCES_${name} to tests/fuzz/fuzz.cmake; not built")
    continue()
  endif()
  add_executable(${target} ${src} ${MS_FUZZ_SOURCES_${name}} ${MS_SRC}/base/error.c
                 ${MS_SRC}/base/log.c)
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR}/core/include ${MS_SRC}
                             ${DEPS_INCLUDE_DIRS})
  # Fuzz builds must not fail on a new clang warning in code they merely include.
  target_compile_options(${target} PRIVATE ${MS_FUZZ_FLAGS} -Wno-error)
  target_link_options(${target} PRIVATE -fsanitize=fuzzer,address,undefined)

  # The run keeps its corpus and any crash file in the build tree, between runs.
  set(work ${PROJECT_BINARY_DIR}/fuzz/${name})
  file(MAKE_DIRECTORY ${work}/corpus)
  add_test(NAME fuzz.${name}
           COMMAND ${target} -max_total_time=${MS_FUZZ_SECONDS} -rss_limit_mb=2048
                   -timeout=10 -print_final_stats=1 -artifact_prefix=${work}/ ${work}/corpus
           WORKING_DIRECTORY ${work})
  math(EXPR limit "${MS_FUZZ_SECONDS} + 100")
  set_tests_properties(fuzz.${name} PROPERTIES LABELS fuzz TIMEOUT ${limit})
endforeach()

# A few seed inputs so the short CI run starts from well-formed bodies. The first byte picks
# the content type in fuzz_sip_dtmf.c, modulo 8: '0' dtmf-relay, '1' dtmf, '7' read from the
# input up to the first newline.
set(seeds ${PROJECT_BINARY_DIR}/fuzz/sip_dtmf/corpus)
if(EXISTS ${seeds})
  file(WRITE ${seeds}/seed-relay "0Signal=5\r\nDuration=160\r\n")
  file(WRITE ${seeds}/seed-relay-star "0signal = 10\nduration=99999\n")
  file(WRITE ${seeds}/seed-dtmf "1 #\r\n")
  file(WRITE ${seeds}/seed-type "7application/dtmf-relay; x=y\nSignal=B\n")
endif()
