// Small HTML helpers for the report: escaping text, tables (success rates with intervals, summaries).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nnlab {

// Escapes & < > " ' so any text can go into element content or attribute values.
std::string html_escape(std::string_view text);

struct Table {
  std::string caption;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // each as long as the header (or all equal when no header)
  // Per column: right-aligned with tabular digits. Empty = columns whose cells all start like a number.
  std::vector<bool> numeric;
};

// A <table> with <caption>, <thead> and <tbody>; all text escaped. Ragged rows -> std::invalid_argument.
std::string html_table(const Table& table);

// A rate with its interval, as percentages: format_rate(0.875, 0.80, 0.93) = "87.5 % [80.0, 93.0]".
std::string format_rate(double rate, double low, double high, int decimals = 1);

}  // namespace nnlab
