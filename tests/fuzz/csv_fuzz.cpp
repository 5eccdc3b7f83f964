// CSV data sets, as data.train {source: csv} reads them. Input: a byte choosing `header`
// (auto, true, false), a byte choosing `label_column`, then the file.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "data/csv.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  static const std::array<std::optional<bool>, 3> headers{std::nullopt, true, false};
  static const std::array<std::string, 8> columns{"-1", "0", "1", "-2", "label", "x0", "99", "-99"};
  const std::optional<bool> header = headers[data[0] % headers.size()];
  const std::string& column = columns[data[1] % columns.size()];
  const nnlab::fuzz::MemoryFile file("data.csv", std::span(data + 2, size - 2));
  nnlab::fuzz::accepts([&] {
    const nnlab::Dataset dataset = nnlab::read_csv(file.path(), column, header);
    if (dataset.size() <= 0 || dataset.features() <= 0) nnlab::fuzz::finding("an accepted CSV data set without rows or features", "");
    for (const std::int32_t label : dataset.labels)
      if (label < 0 || label >= dataset.classes) nnlab::fuzz::finding("a CSV label outside [0, classes)", std::to_string(label));
  });
  return 0;
}
