# Speech recognition (core/src/asr/): pocketsphinx + sphinxbase for mscore, and the
# asr-eval benchmark.
#
#   include(cmake/asr.cmake)    # in CMakeLists.txt, after add_library(mscore ...)
#   cmake --build BUILD --target asr-eval-run     # the figures of docs/benchmarks.md
#   BUILD/asr-eval -h                             # by hand: see tools/asr-eval.c
#
# Debian packages: libpocketsphinx-dev libsphinxbase-dev pocketsphinx-en-us (the model
# and dictionary under /usr/share/pocketsphinx/model/en-us); asr-eval-run also uses
# asterisk-core-sounds-en-wav (real 8 kHz voice) and asterisk-core-sounds-en-g722 (the
# same at 16 kHz) when installed. models/en-us-tel/adapt.sh (re)makes the telephone
# MLLR transform: sphinxtrain, sphinxbase-utils, python3, asterisk-core-sounds-en.
#
# sphinxbase's include directory holds headers named like system and common ones
# (err.h, profile.h, feat.h): it is given to core/src/asr/*.c only, never to the rest of
# mscore. Those files never include spandsp headers either (tiffio.h's int64 clashes
# with sphinxbase's).

pkg_check_modules(MS_ASR_DEPS REQUIRED pocketsphinx sphinxbase)
file(GLOB MS_ASR_SOURCES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/core/src/asr/*.c)
set_source_files_properties(${MS_ASR_SOURCES} PROPERTIES
  INCLUDE_DIRECTORIES "${MS_ASR_DEPS_INCLUDE_DIRS}")
target_link_libraries(mscore PUBLIC ${MS_ASR_DEPS_LINK_LIBRARIES})

# Like hear-eval, asr-eval compiles the few core files it needs instead of linking
# mscore, so it builds (and measures) even while other parts of the core do not.
pkg_check_modules(MS_ASR_EVAL_DEPS REQUIRED IMPORTED_TARGET libuv spandsp speexdsp sndfile)
add_executable(asr-eval ${PROJECT_SOURCE_DIR}/tools/asr-eval.c ${MS_ASR_SOURCES}
  ${PROJECT_SOURCE_DIR}/core/src/loop.c
  ${PROJECT_SOURCE_DIR}/core/src/base/error.c
  ${PROJECT_SOURCE_DIR}/core/src/base/log.c
  ${PROJECT_SOURCE_DIR}/core/src/base/u64map.c
  ${PROJECT_SOURCE_DIR}/core/src/media/audio_decode.c
  ${PROJECT_SOURCE_DIR}/core/src/media/codec.c
  ${PROJECT_SOURCE_DIR}/core/src/media/flite_voice.c
  ${PROJECT_SOURCE_DIR}/core/src/media/pcm_level.c
  ${PROJECT_SOURCE_DIR}/core/src/media/resample.c)
target_include_directories(asr-eval PRIVATE ${PROJECT_SOURCE_DIR}/core/include
  ${PROJECT_SOURCE_DIR}/core/src)
target_link_libraries(asr-eval PRIVATE PkgConfig::MS_ASR_EVAL_DEPS ${MS_ASR_DEPS_LINK_LIBRARIES}
  ${FLITE_LIBS} Threads::Threads m)

# With the telephone MLLR transform (as the server runs), then without it on real
# voice only (what the transform changes). About 6 minutes on one core.
add_custom_target(asr-eval-run
  COMMAND asr-eval -m ${PROJECT_SOURCE_DIR}/models/en-us-tel/mllr
  COMMAND asr-eval -x -s ast,ast16
  DEPENDS asr-eval
  COMMENT "Measuring the speech recogniser (real 8 kHz voice and flite through G.711)"
  VERBATIM)
