# Goal: a program outside the project builds against the installed CMake package and reads a
# ledger through it. Installs the build into a staging folder, configures and builds samples/embed
# against it, and runs it on a small ledger.
set(staging ${WORK}/staging)
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${staging}
                RESULT_VARIABLE status OUTPUT_QUIET)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "cmake --install failed: ${status}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR}/samples/embed -B ${WORK}/embed
                        -DCMAKE_PREFIX_PATH=${staging} -DCMAKE_BUILD_TYPE=Release
                RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "configuring the embed example failed:\n${out}\n${err}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK}/embed RESULT_VARIABLE status OUTPUT_VARIABLE out
                ERROR_VARIABLE err)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "building the embed example failed:\n${out}\n${err}")
endif()
set(ledger ${WORK}/ledger.db)
execute_process(COMMAND ${staging}/bin/fundledger --db ${ledger} init RESULT_VARIABLE status ERROR_QUIET)
execute_process(COMMAND ${staging}/bin/fundledger --db ${ledger} import ${SOURCE_DIR}/samples/journal-basics.jsonl
                RESULT_VARIABLE status ERROR_QUIET)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "the installed fundledger could not import the sample: ${status}")
endif()
execute_process(COMMAND ${WORK}/embed/contributions_report ${ledger} RESULT_VARIABLE status OUTPUT_VARIABLE out
                ERROR_VARIABLE err)
if(NOT status EQUAL 0 OR NOT out MATCHES "Contributions by donor")
  message(FATAL_ERROR "the embed example failed (${status}):\n${out}\n${err}")
endif()
message(STATUS "${out}")
