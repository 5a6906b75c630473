#include "address_sanitizer.h"

#if defined(NODELOCK_TEST_ADDRESS_SANITIZER)
// Read by the AddressSanitizer runtime before main(); ASAN_OPTIONS still wins.
extern "C" const char* __asan_default_options() { return "verify_asan_link_order=0"; }
#endif
