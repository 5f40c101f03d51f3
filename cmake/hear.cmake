# hear-eval: measures the prompt recogniser (core/src/hear/) on simulated calls.
#
#   cmake --build BUILD --target hear-eval-run     # renders, simulates, prints the figures
#   BUILD/hear-eval -n 242 -m 400 -d DIR ...       # by hand: see tools/hear-eval.c
#
# Like ms-render, it compiles the few core files it needs itself instead of linking
# mscore, so it builds (and measures) even while other parts of the core do not.
# Included from CMakeLists.txt after cmake/prompts.cmake (hear-eval-run uses the demo
# sounds and the hold music that prompts.cmake renders).

pkg_check_modules(MS_HEAR_DEPS REQUIRED IMPORTED_TARGET spandsp sndfile speexdsp)
file(GLOB MS_HEAR_SOURCES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/core/src/hear/*.c)
add_executable(hear-eval ${PROJECT_SOURCE_DIR}/tools/hear-eval.c ${MS_HEAR_SOURCES}
  ${PROJECT_SOURCE_DIR}/core/src/media/codec.c
  ${PROJECT_SOURCE_DIR}/core/src/media/resample.c
  ${PROJECT_SOURCE_DIR}/core/src/media/audio_decode.c
  ${PROJECT_SOURCE_DIR}/core/src/base/error.c
  ${PROJECT_SOURCE_DIR}/core/src/base/log.c)
target_include_directories(hear-eval PRIVATE ${PROJECT_SOURCE_DIR}/core/include
  ${PROJECT_SOURCE_DIR}/core/src ${PROJECT_SOURCE_DIR}/tests/unit)
target_link_libraries(hear-eval PRIVATE PkgConfig::MS_HEAR_DEPS ${FLITE_LIBS})

set(ms_hear_eval_dirs "")
if(TARGET sounds)
  set(ms_hear_eval_dirs -d ${CMAKE_BINARY_DIR}/sounds/en/8000/demo
    -d ${CMAKE_BINARY_DIR}/sounds/8000/music)
endif()
add_custom_target(hear-eval-run
  COMMAND hear-eval -m 400 ${ms_hear_eval_dirs}
  COMMAND hear-eval -n 242 -m 200 ${ms_hear_eval_dirs}
  DEPENDS hear-eval
  COMMENT "Measuring the prompt recogniser on simulated calls"
  VERBATIM)
if(TARGET sounds)
  add_dependencies(hear-eval-run sounds)
endif()
