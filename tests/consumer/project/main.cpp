// An application embedding the Verifier from the installed nodelock package.
#include <iostream>
#include <nodelock/activation/verifier.h>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const auto vendor_key = nodelock::crypto::SigningKey::generate().public_key();
  const nodelock::Verifier verifier{{vendor_key}, "consumer.app"};
  nodelock::CheckOptions options;
  options.store = argv[1];
  options.app_version = "1.0.0";
  const nodelock::CheckResult result = verifier.check(options);
  std::cout << nodelock::status_name(result.status()) << '\n';
  return 0;
}
