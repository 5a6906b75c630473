# Installs headers, libraries, the executables and a CMake package, so that
# find_package(nodelock) + target_link_libraries(app nodelock::activation) works.
include(CMakePackageConfigHelpers)

get_property(installed_targets GLOBAL PROPERTY NODELOCK_INSTALLED_TARGETS)
install(TARGETS ${installed_targets} nodelock_warnings
        EXPORT nodelockTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
foreach(module crypto fingerprint dongle activation client offline audit server-stub)
  if(EXISTS "${PROJECT_SOURCE_DIR}/${module}/include")
    install(DIRECTORY "${PROJECT_SOURCE_DIR}/${module}/include/"
            DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  endif()
endforeach()
install(DIRECTORY "${NODELOCK_GENERATED_INCLUDE}/" DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

set(config_dir ${CMAKE_INSTALL_LIBDIR}/cmake/nodelock)
install(EXPORT nodelockTargets NAMESPACE nodelock:: DESTINATION ${config_dir})
configure_package_config_file(cmake/nodelockConfig.cmake.in
  "${CMAKE_CURRENT_BINARY_DIR}/nodelockConfig.cmake" INSTALL_DESTINATION ${config_dir})
write_basic_package_version_file("${CMAKE_CURRENT_BINARY_DIR}/nodelockConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion)
install(FILES "${CMAKE_CURRENT_BINARY_DIR}/nodelockConfig.cmake"
              "${CMAKE_CURRENT_BINARY_DIR}/nodelockConfigVersion.cmake"
        DESTINATION ${config_dir})
