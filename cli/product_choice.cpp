#include "product_choice.h"

#include <vector>

#include "nodelock/activation/local_store.h"

namespace nodelock::cli {

Result<std::string> chosen_product(const Args& args) {
  if (auto given = args.get("--product")) return args.require("--product");
  const std::string root = args.get("--store").value_or("");
  const std::vector<std::string> products = LocalStore::products_in(root);
  if (products.size() == 1) return products.front();
  const std::string where = root.empty() ? LocalStore::default_root().string() : root;
  if (products.empty()) {
    return make_error(ErrorCode::invalid_argument,
                      "missing --product: the store " + where + " holds no product yet");
  }
  std::string names;
  for (const std::string& product : products) names += (names.empty() ? "" : ", ") + product;
  return make_error(
      ErrorCode::invalid_argument,
      "the store " + where + " holds several products (" + names + "); say which with --product");
}

}  // namespace nodelock::cli
