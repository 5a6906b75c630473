// CSV as the exports write it and license import reads it back: fields that
// need quoting, text a spreadsheet would run as a formula, and the round trip
// that gives back every field as written.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "nodelock/audit/csv.h"

namespace nodelock {
namespace {

std::vector<std::string> read_row(const std::string& line) {
  auto records = read_csv(line + "\r\n");
  EXPECT_TRUE(records.ok()) << records.message();
  if (!records.ok() || records->size() != 1) return {};
  return records->front().fields;
}

TEST(CsvField, PlainTextIsWrittenAsItIs) {
  EXPECT_EQ(csv_field("Acme GmbH"), "Acme GmbH");
  EXPECT_EQ(csv_field(""), "");
  EXPECT_EQ(csv_field("a-b=c"), "a-b=c") << "only the first character starts a formula";
}

TEST(CsvField, SeparatorsQuotesAndLineBreaksAreQuoted) {
  EXPECT_EQ(csv_field("Acme, Inc."), "\"Acme, Inc.\"");
  EXPECT_EQ(csv_field("the \"best\""), "\"the \"\"best\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
}

TEST(CsvField, TextASpreadsheetWouldRunIsWrittenAsText) {
  EXPECT_EQ(csv_field("=HYPERLINK(\"http://evil.example\",\"x\")"),
            "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\"");
  EXPECT_EQ(csv_field("+1"), "'+1");
  EXPECT_EQ(csv_field("-2+3"), "'-2+3");
  EXPECT_EQ(csv_field("@SUM(A1:A2)"), "'@SUM(A1:A2)");
  EXPECT_EQ(csv_field("\tcmd"), "'\tcmd");
  EXPECT_EQ(csv_field("\r=1"), "\"'\r=1\"");
  EXPECT_EQ(csv_field("'quoted"), "''quoted");
}

TEST(CsvField, EveryFieldReadsBackAsWritten) {
  const std::vector<std::string> fields = {"plain", "",    "=1+2", "+x",    "-",   "@",    "'",
                                           "''",    "'=x", "a,b",  "\"q\"", "\tt", "\r\n", "x'"};
  std::string line;
  for (const std::string& field : fields) line += (line.empty() ? "" : ",") + csv_field(field);
  EXPECT_EQ(read_row(line), fields) << line;
}

TEST(ReadCsv, AnApostropheIsDroppedOnlyBeforeAFormulaOrAnotherApostrophe) {
  EXPECT_EQ(read_row("'tis,'=1,''"), (std::vector<std::string>{"'tis", "=1", "'"}));
}

TEST(ReadCsv, BadQuotingNamesTheLine) {
  auto open = read_csv("a,b\r\n\"never closed\r\n");
  ASSERT_FALSE(open.ok());
  EXPECT_EQ(open.code(), ErrorCode::malformed);
  EXPECT_NE(open.message().find("line 2"), std::string::npos) << open.message();
  auto inside = read_csv("a\"b\r\n");
  ASSERT_FALSE(inside.ok());
  EXPECT_NE(inside.message().find("quote inside an unquoted field"), std::string::npos);
}

}  // namespace
}  // namespace nodelock
