# Goal: a program outside the project builds against the installed CMake package and reads a
# ledger through it. Installs the build into a staging folder, compiles each public header alone,
# configures and builds samples/embed against it, and runs it on a small ledger.
set(staging ${WORK}/staging)
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${staging}
                RESULT_VARIABLE status OUTPUT_QUIET)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "cmake --install failed: ${status}")
endif()
# Each public header compiles on its own, and none brings in another library's header from Boost:
# an embedding program sees only the standard library and fundledger.
file(GLOB public_headers ${staging}/include/fundledger/*.hpp)
list(LENGTH public_headers header_count)
if(header_count LESS 10)
  message(FATAL_ERROR "the installed package has ${header_count} public headers")
endif()
foreach(header IN LISTS public_headers)
  execute_process(COMMAND ${CXX} -std=c++20 -fsyntax-only -H -x c++ -I ${staging}/include ${header}
                  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE includes)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "the public header ${header} does not compile on its own:\n${includes}")
  endif()
  if(includes MATCHES "/boost/")
    message(FATAL_ERROR "the public header ${header} includes Boost:\n${includes}")
  endif()
endforeach()
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
