# tests/fuzz/tests.cmake - fuzz targets and their corpus replays
#
# A target is tests/fuzz/fuzz_<name>.c defining LLVMFuzzerTestOneInput(),
# with its corpus in tests/fuzz/corpus/<name>/ and the libraries it links
# in KS_FUZZ_LIBS_<name> below. Every target gets:
#   - fuzz_replay_<name>: replay.c + the target, built with any compiler;
#     CTest runs it over the corpus (test fuzz/<name>, label fuzz);
#   - fuzz_<name>: the real libFuzzer binary, with -DKS_FUZZ=ON and clang,
#     e.g. `fuzz_jose -max_total_time=60 tests/fuzz/corpus/jose`.
set(KS_FUZZ_LIBS_jose ks_migrate ks_base)
set(KS_FUZZ_LIBS_archive ks_scanner ks_rules ks_store ks_base)

file(GLOB KS_FUZZ_SOURCES CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/fuzz_*.c)
if(KS_FUZZ AND NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "KS_FUZZ=ON needs clang (CC=clang) for libFuzzer")
endif()
foreach(src ${KS_FUZZ_SOURCES})
  get_filename_component(target ${src} NAME_WE)
  string(REGEX REPLACE "^fuzz_" "" name ${target})
  if(NOT DEFINED KS_FUZZ_LIBS_${name})
    message(FATAL_ERROR "${src}: set KS_FUZZ_LIBS_${name} in ${CMAKE_CURRENT_LIST_FILE}")
  endif()
  set(corpus ${CMAKE_CURRENT_LIST_DIR}/corpus/${name})

  add_executable(fuzz_replay_${name} ${CMAKE_CURRENT_LIST_DIR}/replay.c ${src})
  target_link_libraries(fuzz_replay_${name} PRIVATE ${KS_FUZZ_LIBS_${name}})
  add_test(NAME fuzz/${name} COMMAND fuzz_replay_${name} ${corpus})
  set_tests_properties(fuzz/${name} PROPERTIES LABELS fuzz)

  if(KS_FUZZ)
    # Coverage feedback from the code under test, not just the harness.
    foreach(lib ${KS_FUZZ_LIBS_${name}})
      target_compile_options(${lib} PRIVATE -fsanitize=fuzzer-no-link)
    endforeach()
    add_executable(${target} ${src})
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer)
    target_link_options(${target} PRIVATE -fsanitize=fuzzer)
    target_link_libraries(${target} PRIVATE ${KS_FUZZ_LIBS_${name}})
  endif()
endforeach()
