#include "store/checksum.hpp"

#include <xxhash.h>

#include <fmt/format.h>

namespace nnlab {

std::uint64_t artefact_checksum(std::span<const std::byte> content) {
  return XXH3_64bits(content.data(), content.size());  // XXH3 takes a null pointer for 0 bytes
}

std::string describe_artefact(const ArtefactLabel& label) {
  std::string text = fmt::format("{} '{}' of {}", label.kind, label.name,
                                 label.member ? fmt::format("member {}", *label.member) : std::string("the run"));
  if (label.epoch) text += fmt::format(" at epoch {}", *label.epoch);
  return text;
}

void verify_artefact(const std::string& store_file, RunId run, const ArtefactLabel& label,
                     std::optional<std::uint64_t> recorded, std::span<const std::byte> content) {
  const std::uint64_t actual = artefact_checksum(content);
  if (recorded == actual) return;
  const std::string reason =
      recorded ? fmt::format("its {} bytes have checksum {:016x}, {:016x} was recorded", content.size(), actual, *recorded)
               : std::string("no checksum was recorded for it");
  throw DamagedArtefact(fmt::format("{}: run {}: artefact {} is damaged ({}); the store's copy cannot be used", store_file, run,
                                    describe_artefact(label), reason));
}

}  // namespace nnlab
