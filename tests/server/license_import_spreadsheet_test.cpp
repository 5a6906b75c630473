// License records as spreadsheets save them: day numbers and slashed dates
// refused with the forms that are accepted, rows of empty cells skipped, and
// spaces around a cell trimmed, with a note saying so.
#include "license_import_fixture.h"
#include "nodelock/activation/license_key.h"

namespace nodelock::server::testing {
namespace {

TEST_F(LicenseImportTest, SpreadsheetDayNumbersAndSlashedDatesAreRefusedWithTheAcceptedForms) {
  const std::string path = write("dates.csv",
                                 "v,product,max_activations,expires,key\n"
                                 "1,acme-cad,1,46022," +
                                     LicenseKey::generate().text() +
                                     "\n"  // line 2: a spreadsheet's day number
                                     "1,acme-cad,1,31/12/2027," +
                                     LicenseKey::generate().text() +
                                     "\n"  // line 3: day/month or month/day?
                                     "1,acme-cad,1,5000000," +
                                     LicenseKey::generate().text() +
                                     "\n"  // line 4: unix seconds of 1970
                                     "1,acme-cad,1,2027-12-31," +
                                     LicenseKey::generate().text() + "\n");  // line 5: fine
  const std::string message = refused_import(path);
  for (const char* said : {"line 2: expires 46022 looks like a spreadsheet's day number, for "
                           "2025-12-31",
                           "line 3: expires '31/12/2027' is ambiguous",
                           "line 4: expires 5000000 is a unix time before 2000 (1970-02-27)",
                           "write a date as YYYY-MM-DD (2027-12-31)"}) {
    EXPECT_TRUE(contains(message, said)) << said << " in " << message;
  }
  EXPECT_FALSE(contains(message, "line 5")) << message;
  EXPECT_TRUE(licenses().empty()) << "all or nothing";
}

TEST_F(LicenseImportTest, EmptyRowsAreSkippedAndSpacesAroundCellsTrimmedWithANote) {
  const std::string path = write("sheet.csv",
                                 "v,product,licensee,max_activations,expires,key\n"
                                 "1,acme-cad,  Example Ltd ,2, 2027-12-31," +
                                     LicenseKey::generate().text() +
                                     "\n"
                                     ",,,,,\n"    // line 3: a row the spreadsheet shows empty
                                     " , ,,,,\n"  // line 4: likewise, with spaces
                                     "1,acme-cad,Other,1,," +
                                     LicenseKey::generate().text() + "\n");
  const ProcessResult imported = import(path);
  ASSERT_EQ(imported.exit_code, 0) << imported.out;
  const auto reply = nlohmann::json::parse(imported.out);
  EXPECT_EQ(reply["imported"], 2);
  const std::string id = reply["licenses"][0]["id"];
  const auto license = admin().get("/v1/licenses/" + id).body["license"];
  EXPECT_EQ(license["licensee"], "Example Ltd");
  EXPECT_EQ(license["expires_at"], 1830297599) << "2027-12-31, the end of the day";
  ASSERT_EQ(reply["notes"].size(), 2u) << reply.dump();
  EXPECT_EQ(reply["notes"][0]["line"], 2);
  EXPECT_EQ(reply["notes"][0]["message"], "removed the spaces around licensee 'Example Ltd'");

  const ProcessResult said =
      admin_cli("license import " + write("again.csv",
                                          "v,product,licensee,"
                                          "max_activations,key\n"
                                          "1,acme-cad, Spaced ,1," +
                                              LicenseKey::generate().text() + "\n"));
  EXPECT_EQ(said.exit_code, 0) << said.out;
  EXPECT_TRUE(contains(said.out, "Note: line 2: removed the spaces around licensee 'Spaced'"))
      << said.out;
}

}  // namespace
}  // namespace nodelock::server::testing
