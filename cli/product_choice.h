// Which product a command acting on the local store works on.
#pragma once

#include <string>

#include "args.h"
#include "nodelock/crypto/result.h"

namespace nodelock::cli {

// --product when given; else the one product the store (--store, else the
// default store) holds, so a machine with one license needs no --product.
// invalid_argument (exit 2) when the store holds none, or several, naming them.
[[nodiscard]] Result<std::string> chosen_product(const Args& args);

}  // namespace nodelock::cli
