#include "data/csv.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <fstream>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/text.hpp"

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

// A cell that reads as a number, or as one gone wrong: nan, inf, out of range (1e999), empty.
// Only a word makes a first row a header; a broken number makes it a broken data row.
bool numeric_like(std::string_view cell) {
  if (cell.empty()) return true;
  if (cell.front() == '+') cell.remove_prefix(1);
  double value = 0.0;
  const auto [end, error] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
  return end == cell.data() + cell.size() && (error == std::errc() || error == std::errc::result_out_of_range);
}

bool has_a_word(const std::vector<std::string_view>& cells) {
  return std::any_of(cells.begin(), cells.end(), [](std::string_view cell) { return !numeric_like(cell); });
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
      throw InputError(path.string() + ": label column " + shown_value(spec) + " is out of range for " +
                       std::to_string(columns) + " columns");
    }
    return static_cast<std::size_t>(resolved);
  }
  const auto found = std::find(names.begin(), names.end(), spec);
  if (found == names.end()) {
    if (names.empty()) {
      throw InputError(path.string() + ": label column '" + shown_value(spec) + "' is a name, but the file has no header row");
    }
    std::string listed;
    for (const auto& name : names) listed += (listed.empty() ? "" : ", ") + name;
    throw InputError(path.string() + ": no column named '" + shown_value(spec) + "' in the header (columns: " +
                     shown_value(listed, 2 * shown_value_limit) + ")");
  }
  return static_cast<std::size_t>(found - names.begin());
}

// The rows of one file as read_csv takes them in, line by line.
class CsvRows {
 public:
  CsvRows(const fs::path& path, const std::string& label_column_spec, std::optional<bool> header_row)
      : path_(path), label_column_spec_(label_column_spec), header_row_(header_row) {}

  void add_line(std::string_view line, std::size_t line_number) {
    if (trim(line).empty()) return;
    const std::vector<std::string_view> cells = split_cells(line);
    if (first_row_) {
      first_row_ = false;
      columns_ = cells.size();
      if (columns_ < 2) {
        throw InputError(line_where(path_, line_number) + ": expected at least 2 columns (features and a label), got " +
                         std::to_string(columns_));
      }
      const bool header = header_row_.value_or(has_a_word(cells));
      if (header)
        for (const auto cell : cells) names_.emplace_back(cell);
      label_column_ = resolve_label_column(path_, label_column_spec_, columns_, names_);
      if (header) return;
    }
    if (cells.size() != columns_) {
      throw InputError(line_where(path_, line_number) + ": expected " + std::to_string(columns_) + " columns, got " +
                       std::to_string(cells.size()));
    }
    for (std::size_t column = 0; column < columns_; ++column) {
      const std::string_view cell = cells[column];
      const std::string where = line_where(path_, line_number) + ", column " + std::to_string(column + 1);
      if (column == label_column_) {
        const auto label = parse_number<double>(cell);
        if (!label) throw InputError(where + ": not a number: '" + shown_value(cell) + "'");
        if (*label < 0 || *label != std::floor(*label) || *label > max_label) {
          throw InputError(where + ": a label must be an integer in [0, " +
                           std::to_string(static_cast<int>(max_label)) + "], got '" + shown_value(cell) + "'");
        }
        labels_.push_back(static_cast<std::int32_t>(*label));
      } else {
        const auto value = parse_number<float>(cell);
        if (!value) throw InputError(where + ": not a number: '" + shown_value(cell) + "'");
        features_.push_back(*value);
      }
    }
  }

  Dataset finish() {
    if (first_row_) throw InputError(path_.string() + ": empty file (no rows)");
    if (labels_.empty()) throw InputError(path_.string() + ": no data rows after the header");
    const auto count = static_cast<Index>(labels_.size());
    const auto feature_count = static_cast<Index>(columns_ - 1);
    Dataset dataset;
    dataset.name = path_.filename().string();
    dataset.inputs = Tensor({count, feature_count});
    std::copy(features_.begin(), features_.end(), dataset.inputs.data());
    dataset.classes = *std::max_element(labels_.begin(), labels_.end()) + 1;
    dataset.labels = std::move(labels_);
    dataset.example_shape = {feature_count};
    return dataset;
  }

 private:
  const fs::path& path_;
  const std::string& label_column_spec_;
  std::optional<bool> header_row_;
  std::vector<std::string> names_;
  std::vector<float> features_;
  std::vector<std::int32_t> labels_;
  std::size_t columns_ = 0;  // 0 until the first row fixes it
  std::size_t label_column_ = 0;
  bool first_row_ = true;
};

constexpr std::string_view utf8_byte_order_mark = "\xEF\xBB\xBF";

}  // namespace

Dataset read_csv(const fs::path& path, const std::string& label_column_spec, std::optional<bool> header_row) {
  std::error_code exists_error;
  if (!fs::exists(path, exists_error)) throw InputError(path.string() + ": no such file");
  std::ifstream file(path, std::ios::binary);
  if (!file) throw InputError(path.string() + ": cannot open for reading");

  CsvRows rows(path, label_column_spec, header_row);
  std::size_t line_number = 0;
  std::string chunk;
  for (bool first = true; std::getline(file, chunk); first = false) {
    std::string_view rest(chunk);
    if (first && rest.starts_with(utf8_byte_order_mark)) rest.remove_prefix(utf8_byte_order_mark.size());
    if (rest.ends_with('\r')) rest.remove_suffix(1);  // \r\n
    // A lone \r ends a line too (files from classic Mac OS and some spreadsheets).
    while (true) {
      const std::size_t cr = rest.find('\r');
      rows.add_line(rest.substr(0, cr), ++line_number);
      if (cr == std::string_view::npos) break;
      rest.remove_prefix(cr + 1);
    }
  }
  return rows.finish();
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
