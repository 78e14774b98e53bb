# Goal: the program answers --version with its name and version, and --help with its usage, both
# with exit status 0; an unknown option is wrong usage (64).
execute_process(COMMAND ${FUNDLEDGER} --version RESULT_VARIABLE status OUTPUT_VARIABLE out)
if(NOT status EQUAL 0 OR NOT out MATCHES "^fundledger [0-9]+\\.[0-9]+\\.[0-9]+")
  message(FATAL_ERROR "--version: status ${status}, output '${out}'")
endif()
execute_process(COMMAND ${FUNDLEDGER} --help RESULT_VARIABLE status OUTPUT_VARIABLE out)
if(NOT status EQUAL 0 OR NOT out MATCHES "voluntary-contribution trust funds")
  message(FATAL_ERROR "--help: status ${status}, output '${out}'")
endif()
execute_process(COMMAND ${FUNDLEDGER} --no-such-option RESULT_VARIABLE status OUTPUT_QUIET ERROR_QUIET)
if(NOT status EQUAL 64)
  message(FATAL_ERROR "--no-such-option: expected exit status 64, got ${status}")
endif()
