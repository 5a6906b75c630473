// Whether this test program is built with AddressSanitizer.
//
// umockdev-wrapper puts umockdev's library first in LD_PRELOAD, and
// AddressSanitizer refuses to start unless its runtime comes first. Both
// intercept different functions (umockdev: file and ioctl calls on emulated
// paths; AddressSanitizer: memory functions) and run together fine, so the
// sanitized test programs, and the sanitized `nodelock` they start, switch
// that check off (verify_asan_link_order=0) instead of skipping the tests.
#pragma once

#if defined(__SANITIZE_ADDRESS__)
#define NODELOCK_TEST_ADDRESS_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NODELOCK_TEST_ADDRESS_SANITIZER 1
#endif
#endif

namespace nodelock::dongle::testing {

#if defined(NODELOCK_TEST_ADDRESS_SANITIZER)
inline constexpr bool address_sanitizer = true;
#else
inline constexpr bool address_sanitizer = false;
#endif

}  // namespace nodelock::dongle::testing
