# Wire tests: real SIP peers (SIPp, baresip) against the server binary, on
# 127.0.0.1 only, each with its own free ports, config and CDR database
# (tests/wire/lib.sh). They need sipp, baresip, sox and sqlite3
# (tools/deps.sh installs them). Run them alone with `ctest -L wire`.
set(MS_WIRE_TESTS sipp_menu sipp_errors baresip_echo baresip_menu shutdown bad_input install reload)
list(APPEND MS_WIRE_TESTS tts) # the TTS flows (tests/flows/tts) over the wire, ~50 s
foreach(name ${MS_WIRE_TESTS})
  add_test(NAME wire.${name}
    COMMAND ${PROJECT_SOURCE_DIR}/tests/wire/${name}.sh $<TARGET_FILE:moonswitch>)
  set_tests_properties(wire.${name} PROPERTIES TIMEOUT 90 LABELS wire)
endforeach()
# The demo flow tests over the wire: real time, about two minutes.
add_test(NAME wire.flows
  COMMAND ${PROJECT_SOURCE_DIR}/tests/wire/flows_wire.sh $<TARGET_FILE:moonswitch>)
set_tests_properties(wire.flows PROPERTIES TIMEOUT 420 LABELS wire)
