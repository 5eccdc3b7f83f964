#include "store/records.hpp"

#include <array>
#include <utility>

#include "core/error.hpp"

namespace nnlab {
namespace {

constexpr std::array<std::pair<RunStatus, std::string_view>, 4> status_words{{
    {RunStatus::running, "running"},
    {RunStatus::finished, "finished"},
    {RunStatus::failed, "failed"},
    {RunStatus::killed, "killed"},
}};

}  // namespace

std::string_view to_string(RunStatus status) {
  for (const auto& [candidate, word] : status_words)
    if (candidate == status) return word;
  return "unknown";
}

RunStatus parse_run_status(std::string_view text, const std::string& where) {
  for (const auto& [status, word] : status_words)
    if (word == text) return status;
  throw InputError(where + ": unknown status '" + std::string(text) +
                   "' (expected running, finished, failed or killed)");
}

std::vector<std::byte> text_bytes(std::string_view text) {
  const auto* first = reinterpret_cast<const std::byte*>(text.data());
  return std::vector<std::byte>(first, first + text.size());
}

std::string bytes_text(std::span<const std::byte> bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

}  // namespace nnlab
