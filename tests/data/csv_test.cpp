// CSV reading and writing: round trips, header detection, label columns, and error messages with line numbers.
#include "data/csv.hpp"

#include <gtest/gtest.h>

#include "data/test_support.hpp"

namespace nnlab {
namespace {

using testing::expect_input_error;
using testing::ScratchDir;
using testing::write_text;

TEST(Csv, ReadsHeaderlessFileWithLastColumnLabel) {
  const ScratchDir dir;
  write_text(dir / "d.csv", "1.5,2,0\n-3,4e-1,2\n\n 0.25 , +7 , 1 \n");
  const Dataset dataset = read_csv(dir / "d.csv");
  ASSERT_EQ(dataset.size(), 3);
  ASSERT_EQ(dataset.features(), 2);
  EXPECT_EQ(dataset.example_shape, (Shape{2}));
  EXPECT_EQ(dataset.classes, 3);
  EXPECT_EQ(dataset.labels, (std::vector<std::int32_t>{0, 2, 1}));
  const std::vector<float> expected = {1.5f, 2.0f, -3.0f, 0.4f, 0.25f, 7.0f};
  for (Index i = 0; i < 6; ++i) EXPECT_EQ(dataset.inputs[i], expected[static_cast<std::size_t>(i)]) << i;
}

TEST(Csv, DetectsHeaderAndFindsLabelByName) {
  const ScratchDir dir;
  write_text(dir / "iris.csv", "\"class\",sepal_length,sepal_width\r\n1,5.1,3.5\r\n0,4.9,3.0\r\n");
  const Dataset dataset = read_csv(dir / "iris.csv", "class");
  ASSERT_EQ(dataset.size(), 2);
  EXPECT_EQ(dataset.labels, (std::vector<std::int32_t>{1, 0}));
  EXPECT_EQ(dataset.inputs[0], 5.1f);
  EXPECT_EQ(dataset.inputs[1], 3.5f);
  EXPECT_EQ(dataset.inputs[3], 3.0f);
  // By index, from the front and from the end.
  EXPECT_EQ(read_csv(dir / "iris.csv", "0").labels, dataset.labels);
  EXPECT_EQ(read_csv(dir / "iris.csv", "-3").labels, dataset.labels);
}

TEST(Csv, HeaderCanBeForced) {
  const ScratchDir dir;
  write_text(dir / "numeric-header.csv", "1,2,3\n4,5,1\n");
  EXPECT_EQ(read_csv(dir / "numeric-header.csv").size(), 2);
  const Dataset dataset = read_csv(dir / "numeric-header.csv", "-1", true);
  ASSERT_EQ(dataset.size(), 1);
  EXPECT_EQ(dataset.inputs[0], 4.0f);
}

// auto: a header only when the first row has a token that is no number at all; nan, inf and
// empty cells are numbers gone wrong, so the row is data and fails as it would in row 2.
TEST(Csv, FirstRowWithNanInfOrAnEmptyCellIsDataNotAHeader) {
  const ScratchDir dir;
  write_text(dir / "nan.csv", "nan,2,0\n1,2,1\n");
  expect_input_error([&] { read_csv(dir / "nan.csv"); }, {"nan.csv:line 1, column 1: not a number: 'nan'"});
  write_text(dir / "inf.csv", "1,-inf,0\n1,2,1\n");
  expect_input_error([&] { read_csv(dir / "inf.csv"); }, {"inf.csv:line 1, column 2: not a number: '-inf'"});
  write_text(dir / "empty-cell.csv", "1,,0\n1,2,1\n");
  expect_input_error([&] { read_csv(dir / "empty-cell.csv"); }, {"empty-cell.csv:line 1, column 2: not a number: ''"});
  // A word makes it a header.
  write_text(dir / "named.csv", "x,nan,label\n1,2,1\n");
  EXPECT_EQ(read_csv(dir / "named.csv").size(), 1);
}

TEST(Csv, HeaderCanBeRefused) {
  const ScratchDir dir;
  write_text(dir / "words.csv", "a,b,label\n1,2,1\n");
  expect_input_error([&] { read_csv(dir / "words.csv", "-1", false); }, {"words.csv:line 1, column 1: not a number: 'a'"});
  EXPECT_EQ(read_csv(dir / "words.csv", "-1", true).size(), 1);
}

TEST(Csv, ByteOrderMarkIsStripped) {
  const ScratchDir dir;
  write_text(dir / "bom.csv", "\xEF\xBB\xBF" "1,2,0\n3,4,1\n");
  const Dataset data = read_csv(dir / "bom.csv");
  ASSERT_EQ(data.size(), 2);
  EXPECT_EQ(data.inputs[0], 1.0f);
  write_text(dir / "bom-header.csv", "\xEF\xBB\xBF" "label,x\n1,2\n0,3\n");
  EXPECT_EQ(read_csv(dir / "bom-header.csv", "label").labels, (std::vector<std::int32_t>{1, 0}));
}

TEST(Csv, CrOnlyAndCrLfLineEndings) {
  const ScratchDir dir;
  write_text(dir / "cr.csv", "x,y,label\r1,2,0\r3,4,1\r");
  const Dataset data = read_csv(dir / "cr.csv", "label");
  ASSERT_EQ(data.size(), 2);
  EXPECT_EQ(data.labels, (std::vector<std::int32_t>{0, 1}));
  EXPECT_EQ(data.inputs[2], 3.0f);
  write_text(dir / "cr-bad.csv", "1,2,0\r3,abc,1\r");
  expect_input_error([&] { read_csv(dir / "cr-bad.csv"); }, {"cr-bad.csv:line 2, column 2: not a number: 'abc'"});
  write_text(dir / "crlf-bad.csv", "1,2,0\r\n\r\n3,abc,1\r\n");
  expect_input_error([&] { read_csv(dir / "crlf-bad.csv"); }, {"crlf-bad.csv:line 3, column 2: not a number: 'abc'"});
}

// Error lines quote at most 80 characters of a value, whatever the file holds.
TEST(Csv, LongValuesAreCappedInMessages) {
  const ScratchDir dir;
  std::string rows = "x,y,label";
  for (int i = 0; i < 5000; ++i) {  // a CR-only file of 5,000 rows
    rows += '\r';
    rows += std::to_string(i) + ",1,0";
  }
  write_text(dir / "cr-long.csv", rows + "\r1,2,zz\r");
  std::string message = expect_input_error([&] { read_csv(dir / "cr-long.csv", "label"); }, {"cr-long.csv:line 5002, column 3"});
  EXPECT_LT(message.size(), 300u) << message.substr(0, 400);
  message = expect_input_error([&] { read_csv(dir / "cr-long.csv", "name"); }, {"no column named 'name'"});
  EXPECT_LT(message.size(), 300u) << message.substr(0, 400);

  std::string header;
  for (int i = 0; i < 10000; ++i) header += "column" + std::to_string(i) + ",";
  write_text(dir / "wide.csv", header + "label\n");
  message = expect_input_error([&] { read_csv(dir / "wide.csv", "name"); }, {"no column named 'name'", "column0, column1"});
  EXPECT_LT(message.size(), 300u) << message.substr(0, 400);

  write_text(dir / "cell.csv", "1,2,0\n3," + std::string(100000, 'w') + ",1\n");
  message = expect_input_error([&] { read_csv(dir / "cell.csv"); }, {"cell.csv:line 2, column 2: not a number: 'www", "100,000"});
  EXPECT_LT(message.size(), 300u) << message.substr(0, 400);
}

TEST(Csv, RoundTrip) {
  const ScratchDir dir;
  Dataset original;
  original.inputs =
      Tensor({3, 3}, {0.1f, -2.5e-8f, 3.4028235e38f, 1.0f / 3.0f, 0.0f, -7.0f, 123456.789f, 1e-30f, 2.0f});
  original.labels = {4, 0, 2};
  original.classes = 5;
  for (const bool header : {true, false}) {
    write_csv(dir / "out.csv", original, header);
    const Dataset read = read_csv(dir / "out.csv");
    ASSERT_EQ(read.size(), 3);
    ASSERT_EQ(read.features(), 3);
    EXPECT_EQ(read.labels, original.labels);
    EXPECT_EQ(read.classes, 5);
    for (Index i = 0; i < 9; ++i)
      EXPECT_EQ(read.inputs[i], original.inputs[i]) << "header " << header << " value " << i;
  }
}

TEST(Csv, RaggedRow) {
  const ScratchDir dir;
  write_text(dir / "ragged.csv", "a,b,label\n1,2,0\n\n3,1\n");
  expect_input_error([&] { read_csv(dir / "ragged.csv"); }, {"ragged.csv:line 4: expected 3 columns, got 2"});
}

TEST(Csv, NonNumericCell) {
  const ScratchDir dir;
  write_text(dir / "bad.csv", "1,2,0\n3,abc,1\n");
  expect_input_error([&] { read_csv(dir / "bad.csv"); }, {"bad.csv:line 2, column 2: not a number: 'abc'"});
  write_text(dir / "nan.csv", "1,2,0\n3,nan,1\n");
  expect_input_error([&] { read_csv(dir / "nan.csv"); }, {"nan.csv:line 2, column 2: not a number: 'nan'"});
}

TEST(Csv, BadLabels) {
  const ScratchDir dir;
  write_text(dir / "negative.csv", "1,2,0\n3,4,-1\n");
  expect_input_error([&] { read_csv(dir / "negative.csv"); }, {"negative.csv:line 2, column 3", "integer", "'-1'"});
  write_text(dir / "fraction.csv", "1,2,0.5\n");
  expect_input_error([&] { read_csv(dir / "fraction.csv"); }, {"fraction.csv:line 1, column 3", "integer", "'0.5'"});
  write_text(dir / "word.csv", "x,y\n1,cat\n");
  expect_input_error([&] { read_csv(dir / "word.csv"); }, {"word.csv:line 2, column 2: not a number: 'cat'"});
}

TEST(Csv, EmptyAndStructuralErrors) {
  const ScratchDir dir;
  write_text(dir / "empty.csv", "");
  expect_input_error([&] { read_csv(dir / "empty.csv"); }, {"empty.csv", "empty"});
  write_text(dir / "blank.csv", "\n  \n");
  expect_input_error([&] { read_csv(dir / "blank.csv"); }, {"blank.csv", "empty"});
  write_text(dir / "header-only.csv", "a,b\n");
  expect_input_error([&] { read_csv(dir / "header-only.csv"); }, {"header-only.csv", "no data rows"});
  write_text(dir / "one-column.csv", "1\n2\n");
  expect_input_error([&] { read_csv(dir / "one-column.csv"); }, {"one-column.csv:line 1", "at least 2 columns"});
  write_text(dir / "d.csv", "a,b\n1,0\n");
  expect_input_error([&] { read_csv(dir / "d.csv", "5"); }, {"d.csv", "label column 5", "out of range"});
  expect_input_error([&] { read_csv(dir / "d.csv", "c"); }, {"d.csv", "no column named 'c'", "a, b"});
  expect_input_error([&] { read_csv(dir / "missing.csv"); }, {"missing.csv", "no such file"});
}

}  // namespace
}  // namespace nnlab
