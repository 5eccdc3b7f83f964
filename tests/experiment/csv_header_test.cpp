// data.*.header for csv sources: auto (the default), true or false, read and passed to the reader.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "core/error.hpp"
#include "experiment/config.hpp"
#include "experiment/data_setup.hpp"
#include "support/input_error.hpp"
#include "support/scratch_directory.hpp"

namespace nnlab {
namespace {

using testing::expect_input_error;

ExperimentConfig csv_experiment(const std::filesystem::path& csv, const std::string& header_key) {
  return parse_experiment("data: {train: {source: csv, path: " + csv.string() + header_key + "}}\nmodel: {layers: [{units: 2}]}\n",
                          "h.yaml");
}

TEST(CsvHeaderKey, AutoTrueOrFalse) {
  const testing::ScratchDirectory scratch;
  const auto csv = scratch / "d.csv";
  std::ofstream(csv) << "1,2,0\n3,4,1\n";
  // The reader gets it: a numeric first row taken as the header leaves one example.
  EXPECT_EQ(load_experiment_data(csv_experiment(csv, "")).train.size(), 2);
  EXPECT_EQ(load_experiment_data(csv_experiment(csv, ", header: auto")).train.size(), 2);
  EXPECT_EQ(load_experiment_data(csv_experiment(csv, ", header: false")).train.size(), 2);
  EXPECT_EQ(load_experiment_data(csv_experiment(csv, ", header: true")).train.size(), 1);
  std::ofstream(csv) << "a,b,label\n3,4,1\n";
  expect_input_error([&] { load_experiment_data(csv_experiment(csv, ", header: false")); },
                     {"d.csv:line 1, column 1: not a number: 'a'"});
}

TEST(CsvHeaderKey, BadValuesAndOtherSources) {
  const testing::ScratchDirectory scratch;
  expect_input_error([&] { csv_experiment(scratch / "d.csv", ", header: maybe"); },
                     {"h.yaml: data.train.header: expected auto, true or false, got 'maybe'"});
  expect_input_error([&] { parse_experiment("data: {train: {source: mirror, header: true}}\nmodel: {layers: [{units: 1}]}\n", "h.yaml"); },
                     {"h.yaml: data.train.header: not used by source 'mirror'"});
}

}  // namespace
}  // namespace nnlab
