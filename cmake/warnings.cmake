# Compiler warnings for every target of ours, in one place.
#
# Promise: every library, executable, test, bench and fuzz target defined in
# this source tree compiles with -Wall -Wextra -Wpedantic, as errors unless
# -DCASELINK_WERROR=OFF. Under clang, -Wthread-safety checks the
# ABSL_GUARDED_BY / ABSL_EXCLUSIVE_LOCKS_REQUIRED annotations (scripts/test.sh
# --clang). Targets are found by walking the directory tree once all of it is
# configured (caselink_warnings_for_tree, called last in the top CMakeLists), so
# a target added in a new tests/*.cmake fragment gets the warnings without
# anyone remembering to ask for them.
#
# Exceptions (keep this list short, each with its reason):
# - Generated protobuf/gRPC sources (*.pb.cc): compiled with the same flags
#   but never as errors, because we do not own protoc's output and a new
#   protoc release must not break the build.
option(CASELINK_WERROR "Treat compiler warnings in our code as errors" ON)

set(CASELINK_WARNING_FLAGS -Wall -Wextra -Wpedantic)
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  list(APPEND CASELINK_WARNING_FLAGS -Wthread-safety)
endif()

# Adds the warning flags to one target (no-op for targets that compile nothing).
function(caselink_warnings target)
  get_target_property(_type ${target} TYPE)
  if(NOT _type MATCHES "^(STATIC_LIBRARY|SHARED_LIBRARY|MODULE_LIBRARY|OBJECT_LIBRARY|EXECUTABLE)$")
    return()
  endif()
  get_target_property(_imported ${target} IMPORTED)
  if(_imported)
    return()
  endif()
  target_compile_options(${target} PRIVATE ${CASELINK_WARNING_FLAGS})
  if(CASELINK_WERROR)
    set_property(TARGET ${target} PROPERTY COMPILE_WARNING_AS_ERROR ON)
  endif()
  # The exception above: generated sources warn but never fail the build.
  get_target_property(_dir ${target} SOURCE_DIR)
  get_target_property(_sources ${target} SOURCES)
  foreach(_src IN LISTS _sources)
    if(_src MATCHES "\\.pb\\.cc$")
      set_property(SOURCE ${_src} DIRECTORY ${_dir} APPEND PROPERTY COMPILE_OPTIONS -Wno-error)
    endif()
  endforeach()
endfunction()

# Applies caselink_warnings to every target defined in `dir` and below.
function(caselink_warnings_for_tree dir)
  get_property(_targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  foreach(_t IN LISTS _targets)
    caselink_warnings(${_t})
  endforeach()
  get_property(_subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(_d IN LISTS _subdirs)
    caselink_warnings_for_tree(${_d})
  endforeach()
endfunction()
