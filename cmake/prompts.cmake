# Sounds rendered at build time (part of `all`; no audio is committed).
#
#   sounds/en/demo.list (name|text)  -> ${CMAKE_BINARY_DIR}/sounds/en/{8000,16000}/demo/NAME.wav
#   sounds/en/words.list (name|text) -> ${CMAKE_BINARY_DIR}/sounds/en/{8000,16000}/NAME.wav
#                                       (the English sound set of prompts/en; names such as
#                                       digits/5 are Asterisk's: docs/phrases.md)
#   synthesised hold music           -> ${CMAKE_BINARY_DIR}/sounds/{8000,16000}/music/moh.wav (language-neutral)
#
# tools/ms-render does the work: flite (voice kal) for speech, cut to the
# speech with short faded edges (flite's leading and trailing pauses removed,
# pauses inside the text kept), speexdsp for resampling, libsndfile for WAV.
# It compiles core/src/media/resample.c itself instead of linking mscore, so
# the sounds do not wait for (or break with) the rest of the core. A sound is
# re-rendered when the list or the tool changes; CMake re-reads the list when
# it changes, so added or removed lines take effect on the next build.
#
# `cmake --install` copies the rendered tree to ${CMAKE_INSTALL_DATADIR}/moonswitch/sounds
# (see the install section at the end of CMakeLists.txt).

pkg_check_modules(MS_RENDER_DEPS REQUIRED IMPORTED_TARGET sndfile speexdsp)
add_executable(ms-render ${PROJECT_SOURCE_DIR}/tools/ms-render.c
  ${PROJECT_SOURCE_DIR}/core/src/media/resample.c)
target_include_directories(ms-render PRIVATE ${PROJECT_SOURCE_DIR}/core/include
  ${PROJECT_SOURCE_DIR}/core/src)
target_link_libraries(ms-render PRIVATE PkgConfig::MS_RENDER_DEPS ${FLITE_LIBS})

set(MS_SOUND_RATES 8000 16000)
set(MS_SOUNDS_DIR ${CMAKE_BINARY_DIR}/sounds)
set(MS_PROMPT_LIST ${PROJECT_SOURCE_DIR}/sounds/en/demo.list)
set(MS_WORD_LIST ${PROJECT_SOURCE_DIR}/sounds/en/words.list)
set(MS_MOH_SECONDS 29) # 12 chords of ~2.4 s: the loop resolves G7 -> C
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${MS_PROMPT_LIST} ${MS_WORD_LIST})

set(ms_sound_outputs "")

# One command per output file; `text` must stay a single argument.
function(ms_render_sound out kind rate arg)
  get_filename_component(dir ${out} DIRECTORY)
  file(RELATIVE_PATH rel ${CMAKE_BINARY_DIR} ${out})
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${dir}
    COMMAND ms-render ${kind} ${out} ${rate} "${arg}"
    DEPENDS ms-render ${ARGN}
    COMMENT "Rendering ${rel}"
    VERBATIM)
  set(ms_sound_outputs ${ms_sound_outputs} ${out} PARENT_SCOPE)
endfunction()

# Renders every name|text line of `list` into ${MS_SOUNDS_DIR}/<lang>/<rate>/<prefix>NAME.wav.
# A name is letters, digits, _ and -, with at most one folder (digits/5); the
# text has no ';' (it would split the CMake list).
function(ms_render_list list lang prefix)
  file(STRINGS ${list} lines ENCODING UTF-8)
  set(names "")
  foreach(line IN LISTS lines)
    if(line MATCHES "^[ \t]*(#.*)?$")
      continue()
    endif()
    if(NOT line MATCHES "^([A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)?)\\|([^;]+)$")
      message(FATAL_ERROR "${list}: bad line (want name|text, no ';'): ${line}")
    endif()
    set(name "${CMAKE_MATCH_1}")
    set(text "${CMAKE_MATCH_3}")
    if(name IN_LIST names)
      message(FATAL_ERROR "${list}: prompt '${name}' appears twice")
    endif()
    list(APPEND names ${name})
    foreach(rate IN LISTS MS_SOUND_RATES)
      ms_render_sound(${MS_SOUNDS_DIR}/${lang}/${rate}/${prefix}${name}.wav tts ${rate} "${text}"
        ${list})
    endforeach()
  endforeach()
  set(ms_sound_outputs ${ms_sound_outputs} PARENT_SCOPE)
endfunction()

ms_render_list(${MS_PROMPT_LIST} en demo/)
ms_render_list(${MS_WORD_LIST} en "")

foreach(rate IN LISTS MS_SOUND_RATES)
  ms_render_sound(${MS_SOUNDS_DIR}/${rate}/music/moh.wav music ${rate} ${MS_MOH_SECONDS})
endforeach()

add_custom_target(sounds ALL DEPENDS ${ms_sound_outputs})
