# The layering of caselink, held by the build rather than by habit.
#
# caselink_include_root(<target> <folder>) gives a library an include root of
# its own: a directory under the build tree holding only <folder> (a symlink
# to the source folder), so `#include "<folder>/x.h"` works for the target and
# for whatever links it, and nothing else of the source tree is reachable.
# A lower layer that includes a higher one (storage/ including server/) fails
# to compile: the higher folder is not on its include path. tests/arch.cmake
# proves it with a probe that must fail.
function(caselink_include_root target folder)
  set(_root ${CMAKE_BINARY_DIR}/include_roots/${folder})
  if(NOT EXISTS ${_root}/${folder})
    file(MAKE_DIRECTORY ${_root})
    file(CREATE_LINK ${PROJECT_SOURCE_DIR}/${folder} ${_root}/${folder} SYMBOLIC)
  endif()
  target_include_directories(${target} PUBLIC $<BUILD_INTERFACE:${_root}>)
endfunction()

# caselink_forbid_link(<target> <regex> <why>) stops the configure step when
# <target>'s link closure (its own and its dependencies' link libraries,
# transitively) holds a library matching <regex>.
function(_caselink_link_closure target out)
  set(_seen ${${out}})
  get_target_property(_libs ${target} LINK_LIBRARIES)
  get_target_property(_ilibs ${target} INTERFACE_LINK_LIBRARIES)
  foreach(l IN LISTS _libs _ilibs)
    if(NOT l OR l MATCHES "-NOTFOUND$")
      continue()
    endif()
    string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" l "${l}")
    if(l IN_LIST _seen)
      continue()
    endif()
    list(APPEND _seen ${l})
    if(TARGET ${l})
      get_target_property(_aliased ${l} ALIASED_TARGET)
      if(_aliased)
        set(l ${_aliased})
      endif()
      _caselink_link_closure(${l} _seen)
    endif()
  endforeach()
  set(${out} ${_seen} PARENT_SCOPE)
endfunction()

function(caselink_link_closure target out)
  set(_closure)
  _caselink_link_closure(${target} _closure)
  set(${out} ${_closure} PARENT_SCOPE)
endfunction()

function(caselink_forbid_link target regex why)
  caselink_link_closure(${target} _closure)
  foreach(l IN LISTS _closure)
    if(l MATCHES "${regex}")
      message(FATAL_ERROR "${target} must not link ${l}: ${why}")
    endif()
  endforeach()
endfunction()
