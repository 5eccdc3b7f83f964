// Labelled data sets in CSV files: numeric feature columns plus one integer label column.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "data/dataset.hpp"

namespace nnlab {

// `label_column`: an index ("0", "3"; negative counts from the end, "-1" = last) or a header name.
// `header`: whether the first row is a header; unset = auto: it is one when a cell is a word, not a
// number (nor nan, inf or empty, which are data gone wrong and fail as they would in row 2).
// Comma-separated; lines end in \n, \r\n or a lone \r; a UTF-8 byte order mark is skipped; blank
// lines are skipped; cells may be surrounded by spaces or double quotes.
// Features become inputs [N, F] (example_shape {F}); labels must be integers >= 0; classes = largest + 1.
// Problems -> InputError "<file>:line <n>[, column <c>]: <reason>" (lines and columns count from 1;
// a quoted cell is cut at 80 characters, core/text.hpp shown_value).
Dataset read_csv(const std::filesystem::path& path, const std::string& label_column = "-1",
                 std::optional<bool> header = std::nullopt);

// Writes features then the label as the last column, with a header "x0,...,x<F-1>,label" when asked.
// Floats are written in their shortest exact form, so read_csv gives back the same values.
void write_csv(const std::filesystem::path& path, const Dataset& dataset, bool header = true);

}  // namespace nnlab
