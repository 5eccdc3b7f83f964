#include "experiment/suggest.hpp"

#include <algorithm>
#include <cctype>
#include <limits>
#include <numeric>
#include <vector>

namespace nnlab {
namespace {

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  return prefix.size() <= text.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // One row of the dynamic-programming table: row[j] = distance(a[0..i), b[0..j)).
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];  // distance(a[0..i-1), b[0..j-1))
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitution = diagonal + (lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1);
      diagonal = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitution});
    }
  }
  return row[b.size()];
}

std::optional<std::string> closest_match(std::string_view word, std::span<const std::string_view> candidates) {
  constexpr std::size_t max_edits = 2;
  constexpr std::size_t min_prefix = 3;
  constexpr std::size_t prefix_score = max_edits + 1;  // a prefix match ranks after every close spelling
  std::size_t best_score = std::numeric_limits<std::size_t>::max();
  std::optional<std::string> best;
  for (const std::string_view candidate : candidates) {
    std::size_t score = edit_distance(word, candidate);
    if (score > max_edits || score >= word.size()) {
      const bool prefix = (word.size() >= min_prefix && starts_with_ignoring_case(candidate, word)) ||
                          (candidate.size() >= min_prefix && starts_with_ignoring_case(word, candidate));
      if (!prefix) continue;
      score = prefix_score;
    }
    if (score < best_score) {
      best_score = score;
      best = std::string(candidate);
    }
  }
  return best;
}

}  // namespace nnlab
