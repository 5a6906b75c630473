// Commands that act on the local store need no --product when the store holds
// one product: offline install takes it from the file, status, deactivate and
// the rest from the store. With several, they say which are there (exit 2).
#include "offline_fixture.h"

namespace nodelock::offline::testing {
namespace {

namespace fs = std::filesystem;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class ProductChoice : public OfflineTest {
 protected:
  // `words` on `on_machine`, with its store and system tree but no --product.
  ProcessResult without_product(const SiteMachine& on_machine, std::vector<std::string> words) {
    words.insert(words.end(),
                 {"--store", on_machine.store.string(), "--sysroot", on_machine.sysroot.string()});
    return air_gapped(words);
  }
};

TEST_F(ProductChoice, AStoreWithOneProductNeedsNoProductFlag) {
  const IssuedKey license = create_license({{"max_activations", 1}});
  const SiteMachine laptop = machine("laptop-wifi-docker");
  request(laptop, license.key, file("cad.nlreq"));
  respond(file("cad.nlreq"), file("cad.nlres"));

  const ProcessResult installed =
      without_product(laptop, {"offline", "install", file("cad.nlres").string()});
  ASSERT_EQ(installed.exit_code, 0) << installed.err;
  const ProcessResult status = without_product(laptop, {"status"});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_TRUE(contains(status.out, "License valid for acme-cad")) << status.out;

  const ProcessResult deactivated =
      without_product(laptop, {"offline", "deactivate", "--out", file("cad.nldeact").string()});
  EXPECT_EQ(deactivated.exit_code, 0) << deactivated.err;
  EXPECT_FALSE(fs::exists(laptop.store / kProduct / "license.nllic"));
}

TEST_F(ProductChoice, AStoreWithSeveralProductsNamesThemAndChangesNothing) {
  const IssuedKey license = create_license({{"max_activations", 1}});
  const SiteMachine laptop = machine("laptop-wifi-docker");
  request(laptop, license.key, file("cad.nlreq"));
  respond(file("cad.nlreq"), file("cad.nlres"));
  install(laptop, file("cad.nlres"));
  const ProcessResult viewer =
      air_gapped({"offline", "request", "--key", license.key, "--product", "acme-viewer", "--store",
                  laptop.store.string(), "--sysroot", laptop.sysroot.string(), "--out",
                  file("viewer.nlreq").string()});
  ASSERT_EQ(viewer.exit_code, 0) << viewer.err;
  const DirectoryState before = state_of(laptop.store);

  for (const std::vector<std::string>& words :
       {std::vector<std::string>{"status"},
        {"offline", "deactivate", "--out", file("x.nldeact").string()},
        {"refresh"}}) {
    const ProcessResult refused = without_product(laptop, words);
    EXPECT_EQ(refused.exit_code, 2) << words[0] << ": " << refused.err;
    EXPECT_TRUE(contains(refused.err,
                         "holds several products (acme-cad, acme-viewer); say "
                         "which with --product"))
        << refused.err;
  }
  EXPECT_EQ(state_of(laptop.store), before);
  EXPECT_FALSE(fs::exists(file("x.nldeact")));
}

TEST_F(ProductChoice, AnEmptyStoreStillAsksForTheProduct) {
  const SiteMachine laptop = machine("laptop-wifi-docker");
  const ProcessResult refused = without_product(laptop, {"status"});
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_TRUE(contains(refused.err, "missing --product")) << refused.err;
}

TEST_F(ProductChoice, OnlineCommandsUseTheOneProductToo) {
  const IssuedKey license = create_license({{"max_activations", 1}});
  server::testing::Machine desktop{nodelock::testing::fixture_host("desktop-two-nics"), {}};
  ASSERT_EQ(activate(desktop, license.key).exit_code, 0);
  const std::vector<std::string> where = {"--store", desktop.store.path().string(), "--sysroot",
                                          desktop.sysroot};
  std::vector<std::string> refresh = {"refresh"};
  refresh.insert(refresh.end(), where.begin(), where.end());
  const ProcessResult refreshed = connected(refresh);
  EXPECT_EQ(refreshed.exit_code, 0) << refreshed.err;
  std::vector<std::string> deactivate = {"deactivate"};
  deactivate.insert(deactivate.end(), where.begin(), where.end());
  const ProcessResult deactivated = connected(deactivate);
  EXPECT_EQ(deactivated.exit_code, 0) << deactivated.err;
  EXPECT_EQ(seats_used(license.id), 0);
}

}  // namespace
}  // namespace nodelock::offline::testing
