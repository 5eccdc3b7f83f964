#include "report/html.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace nnlab {

namespace {

// Starts like a number: digits, a sign, a decimal point, a true minus (U+2212) or "NaN"/"inf".
bool looks_numeric(std::string_view cell) {
  if (cell.empty()) return true;  // empty cells do not decide
  const auto first = static_cast<unsigned char>(cell.front());
  if (std::isdigit(first) || ((first == '-' || first == '+' || first == '.') && cell.size() > 1)) return true;
  return cell.starts_with("\u2212") || cell.starts_with("NaN") || cell.starts_with("inf") || cell.starts_with("\u221e");
}

std::string percent(double fraction, int decimals) {
  if (!std::isfinite(fraction)) return "\u2013";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, fraction * 100);
  return buffer;
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        escaped += "&amp;";
        break;
      case '<':
        escaped += "&lt;";
        break;
      case '>':
        escaped += "&gt;";
        break;
      case '"':
        escaped += "&quot;";
        break;
      case '\'':
        escaped += "&#39;";
        break;
      default:
        escaped += c;
    }
  }
  return escaped;
}

std::string html_table(const Table& table) {
  const std::size_t columns = !table.header.empty() ? table.header.size()
                              : table.rows.empty()  ? 0
                                                    : table.rows.front().size();
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    if (table.rows[r].size() != columns) {
      throw std::invalid_argument("html_table: row " + std::to_string(r) + " has " +
                                  std::to_string(table.rows[r].size()) + " cells for " + std::to_string(columns) +
                                  " columns");
    }
  }
  std::vector<bool> numeric = table.numeric;
  if (numeric.empty()) {
    for (std::size_t c = 0; c < columns; ++c) {
      bool all = !table.rows.empty();
      for (const auto& row : table.rows) all = all && looks_numeric(row[c]);
      numeric.push_back(all);
    }
  }
  if (numeric.size() != columns) throw std::invalid_argument("html_table: numeric flags do not match the columns");
  const auto cell_class = [&](std::size_t c) { return numeric[c] ? std::string(" class=\"num\"") : std::string(); };

  std::string html = "<table>\n";
  if (!table.caption.empty()) html += "<caption>" + html_escape(table.caption) + "</caption>\n";
  if (!table.header.empty()) {
    html += "<thead><tr>";
    for (std::size_t c = 0; c < columns; ++c)
      html += "<th scope=\"col\"" + cell_class(c) + ">" + html_escape(table.header[c]) + "</th>";
    html += "</tr></thead>\n";
  }
  html += "<tbody>\n";
  for (const auto& row : table.rows) {
    html += "<tr>";
    for (std::size_t c = 0; c < columns; ++c) html += "<td" + cell_class(c) + ">" + html_escape(row[c]) + "</td>";
    html += "</tr>\n";
  }
  html += "</tbody>\n</table>\n";
  return html;
}

std::string format_rate(double rate, double low, double high, int decimals) {
  return percent(rate, decimals) + " % [" + percent(low, decimals) + ", " + percent(high, decimals) + "]";
}

}  // namespace nnlab
