// "Did you mean ...?" for misspelt keys and names: edit distance and the closest candidate.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace nnlab {

// Levenshtein distance (insertions, deletions, substitutions), ignoring ASCII case.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate `word` most likely meant: within edit distance 2 (and fewer edits than `word`
// has letters), or, failing that, one being a prefix of the other (3+ letters). Ties go to the
// earlier candidate. nullopt when nothing is close.
std::optional<std::string> closest_match(std::string_view word, std::span<const std::string_view> candidates);

}  // namespace nnlab
