#include "data/csv.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <fstream>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace nnlab {

namespace {

namespace fs = std::filesystem;

// Labels above this would make a one-hot target matrix absurdly wide: surely a wrong column.
constexpr double max_label = 1'000'000;

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r");
  text = text.substr(first, last - first + 1);
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') text = text.substr(1, text.size() - 2);
  return text;
}

std::vector<std::string_view> split_cells(std::string_view line) {
  std::vector<std::string_view> cells;
  std::size_t start = 0;
  while (true) {
    const auto comma = line.find(',', start);
    cells.push_back(trim(line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start)));
    if (comma == std::string_view::npos) return cells;
    start = comma + 1;
  }
}

// Parses the whole cell as a finite number of type T; nullopt when it is not one.
template <typename T>
std::optional<T> parse_number(std::string_view cell) {
  if (!cell.empty() && cell.front() == '+') cell.remove_prefix(1);  // from_chars rejects a leading '+'
  T value{};
  const auto [end, error] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
  if (cell.empty() || error != std::errc() || end != cell.data() + cell.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

bool all_numeric(const std::vector<std::string_view>& cells) {
  return std::all_of(cells.begin(), cells.end(),
                     [](std::string_view cell) { return parse_number<double>(cell).has_value(); });
}

std::string line_where(const fs::path& path, std::size_t line) {
  return path.string() + ":line " + std::to_string(line);
}

// Resolves the label column against `columns` cells (and the header's names, when there is one).
std::size_t resolve_label_column(const fs::path& path, const std::string& spec, std::size_t columns,
                                 const std::vector<std::string>& names) {
  long long index = 0;
  const auto [end, error] = std::from_chars(spec.data(), spec.data() + spec.size(), index);
  if (!spec.empty() && error == std::errc() && end == spec.data() + spec.size()) {
    const long long resolved = index < 0 ? static_cast<long long>(columns) + index : index;
    if (resolved < 0 || resolved >= static_cast<long long>(columns)) {
      throw InputError(path.string() + ": label column " + spec + " is out of range for " + std::to_string(columns) +
                       " columns");
    }
    return static_cast<std::size_t>(resolved);
  }
  const auto found = std::find(names.begin(), names.end(), spec);
  if (found == names.end()) {
    if (names.empty()) {
      throw InputError(path.string() + ": label column '" + spec + "' is a name, but the file has no header row");
    }
    std::string listed;
    for (const auto& name : names) listed += (listed.empty() ? "" : ", ") + name;
    throw InputError(path.string() + ": no column named '" + spec + "' in the header (columns: " + listed + ")");
  }
  return static_cast<std::size_t>(found - names.begin());
}

}  // namespace

Dataset read_csv(const fs::path& path, const std::string& label_column_spec, std::optional<bool> header_row) {
  std::error_code exists_error;
  if (!fs::exists(path, exists_error)) throw InputError(path.string() + ": no such file");
  std::ifstream file(path);
  if (!file) throw InputError(path.string() + ": cannot open for reading");

  std::vector<std::string> names;
  std::vector<float> features;
  std::vector<std::int32_t> labels;
  std::size_t columns = 0;  // 0 until the first row fixes it
  std::size_t label_column = 0;
  bool first_row = true;
  std::string line;
  for (std::size_t line_number = 1; std::getline(file, line); ++line_number) {
    if (trim(line).empty()) continue;
    const std::vector<std::string_view> cells = split_cells(line);
    if (first_row) {
      first_row = false;
      columns = cells.size();
      if (columns < 2) {
        throw InputError(line_where(path, line_number) + ": expected at least 2 columns (features and a label), got " +
                         std::to_string(columns));
      }
      const bool header = header_row.value_or(!all_numeric(cells));
      if (header)
        for (const auto cell : cells) names.emplace_back(cell);
      label_column = resolve_label_column(path, label_column_spec, columns, names);
      if (header) continue;
    }
    if (cells.size() != columns) {
      throw InputError(line_where(path, line_number) + ": expected " + std::to_string(columns) + " columns, got " +
                       std::to_string(cells.size()));
    }
    for (std::size_t column = 0; column < columns; ++column) {
      const std::string_view cell = cells[column];
      const std::string where = line_where(path, line_number) + ", column " + std::to_string(column + 1);
      if (column == label_column) {
        const auto label = parse_number<double>(cell);
        if (!label) throw InputError(where + ": not a number: '" + std::string(cell) + "'");
        if (*label < 0 || *label != std::floor(*label) || *label > max_label) {
          throw InputError(where + ": a label must be an integer in [0, " +
                           std::to_string(static_cast<int>(max_label)) + "], got '" + std::string(cell) + "'");
        }
        labels.push_back(static_cast<std::int32_t>(*label));
      } else {
        const auto value = parse_number<float>(cell);
        if (!value) throw InputError(where + ": not a number: '" + std::string(cell) + "'");
        features.push_back(*value);
      }
    }
  }
  if (first_row) throw InputError(path.string() + ": empty file (no rows)");
  if (labels.empty()) throw InputError(path.string() + ": no data rows after the header");

  const auto count = static_cast<Index>(labels.size());
  const auto feature_count = static_cast<Index>(columns - 1);
  Dataset dataset;
  dataset.name = path.filename().string();
  dataset.inputs = Tensor({count, feature_count});
  std::copy(features.begin(), features.end(), dataset.inputs.data());
  dataset.labels = std::move(labels);
  dataset.classes = *std::max_element(dataset.labels.begin(), dataset.labels.end()) + 1;
  dataset.example_shape = {feature_count};
  return dataset;
}

void write_csv(const fs::path& path, const Dataset& dataset, bool header) {
  std::ofstream file(path, std::ios::trunc);
  if (!file) throw InputError(path.string() + ": cannot open for writing");
  const Index count = dataset.size();
  const Index feature_count = dataset.features();
  if (header) {
    for (Index f = 0; f < feature_count; ++f) file << 'x' << f << ',';
    file << "label\n";
  }
  std::array<char, 64> buffer{};
  for (Index i = 0; i < count; ++i) {
    for (Index f = 0; f < feature_count; ++f) {
      // Shortest representation that reads back as the same float.
      const auto result =
          std::to_chars(buffer.data(), buffer.data() + buffer.size(), dataset.inputs[i * feature_count + f]);
      file.write(buffer.data(), result.ptr - buffer.data());
      file << ',';
    }
    file << dataset.labels[static_cast<std::size_t>(i)] << '\n';
  }
  if (!file.flush()) throw InputError(path.string() + ": write failed");
}

}  // namespace nnlab
