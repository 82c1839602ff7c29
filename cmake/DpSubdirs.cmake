# dp_add_subdirectories(): adds every folder below the current source dir that has a
# CMakeLists.txt. DP_ONLY_SUBDIRS (a list of folder names) limits it to some folders, for a
# developer whose colleagues' folders are mid-edit.
function(dp_add_subdirectories)
  file(GLOB dirs LIST_DIRECTORIES true CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*)
  foreach(dir ${dirs})
    get_filename_component(name ${dir} NAME)
    if(DEFINED DP_ONLY_SUBDIRS AND NOT name IN_LIST DP_ONLY_SUBDIRS)
      continue()
    endif()
    if(IS_DIRECTORY ${dir} AND EXISTS ${dir}/CMakeLists.txt)
      add_subdirectory(${dir})
    endif()
  endforeach()
endfunction()
