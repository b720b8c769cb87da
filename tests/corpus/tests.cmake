# tests/corpus/tests.cmake - detection quality on the generated corpus
#
# gen_corpus.py writes a fresh labelled corpus (random values, keys made
# by openssl/ssh-keygen/puttygen/gpg/node at test time; nothing is
# committed) and eval.py scans it and prints precision and recall per
# category and per rule. CI fails below 98% recall or above a 1%
# false-positive rate (docs/DETECTION.md).
find_package(Python3 COMPONENTS Interpreter REQUIRED)
add_test(NAME corpus/quality
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/eval.py
    --keyshift $<TARGET_FILE:keyshift> --min-recall 0.98 --max-fp-rate 0.01
    --json ${CMAKE_BINARY_DIR}/corpus-quality.json)
set_tests_properties(corpus/quality PROPERTIES LABELS corpus TIMEOUT 600)
