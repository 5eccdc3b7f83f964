// Artefact checksums (store/checksum.hpp): every blob is checked on read, a flipped bit or a
// lost checksum is a DamagedArtefact naming store, run, artefact and member; and a population
// is written with its members in one transaction.
#include "store/checksum.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "store/store.hpp"
#include "store_test_support.hpp"
#include "support/raw_blob.hpp"

namespace nnlab {
namespace {

using testing::expect_input_error;
using testing::RawDatabase;
using testing::ScratchDirectory;

TEST(StoreChecksum, IsXxh3Of64Bits) {
  // The published XXH3-64 of no bytes (xxHash's own sanity value).
  EXPECT_EQ(artefact_checksum({}), 0x2d06800538d394c2u);
  const std::vector<std::byte> a = text_bytes("nnlab"), b = text_bytes("nnlac");
  EXPECT_NE(artefact_checksum(a), artefact_checksum(b));
}

TEST(StoreChecksum, AFlippedBitIsRefusedNamingStoreRunArtefactAndMember) {
  const ScratchDirectory scratch;
  const auto file = scratch / "runs.db";
  RunStore store(file);
  const RunId run = store.begin_run({.name = "flip", .nnlab_version = "0.1.0"});
  const ArtefactLabel snapshot{.member = 3, .kind = "snapshot", .name = "epoch-10", .epoch = 10};
  const ArtefactLabel checkpoint{.kind = "checkpoint", .name = "population-0"};
  store.put_artefact(run, snapshot, text_bytes("weights of member 3"));
  store.put_artefact(run, checkpoint, text_bytes("a checkpoint"));
  ASSERT_EQ(bytes_text(store.get_artefact(run, snapshot)->content), "weights of member 3");

  for (int bit = 0; bit < 8; ++bit) {
    testing::flip_blob_bit(file, "artefacts", "content", "kind = 'snapshot'", 7, bit);
    expect_input_error([&] { (void)store.get_artefact(run, snapshot); },
                       {file.string(), "run " + std::to_string(run), "snapshot 'epoch-10' of member 3 at epoch 10", "damaged"});
    testing::flip_blob_bit(file, "artefacts", "content", "kind = 'snapshot'", 7, bit);  // back as it was
    EXPECT_EQ(bytes_text(store.get_artefact(run, snapshot)->content), "weights of member 3");
  }
  // The type the report catches to skip a figure.
  testing::flip_blob_bit(file, "artefacts", "content", "kind = 'checkpoint'", -1);
  EXPECT_THROW((void)store.get_artefact(run, checkpoint), DamagedArtefact);
  // Listing reads no content, so it still works and names what is there.
  EXPECT_EQ(store.list_artefacts(run).size(), 2u);
}

TEST(StoreChecksum, AContentWithoutItsChecksumIsRefused) {
  const ScratchDirectory scratch;
  const auto file = scratch / "runs.db";
  RunStore store(file);
  const RunId run = store.begin_run({.name = "lost", .nnlab_version = "0.1.0"});
  store.put_artefact(run, {.kind = "weights", .name = "final"}, text_bytes("w"));
  RawDatabase(file).execute("UPDATE artefacts SET checksum = NULL");
  expect_input_error([&] { (void)store.get_artefact(run, {.kind = "weights", .name = "final"}); },
                     {file.string(), "weights 'final' of the run", "no checksum was recorded"});
}

TEST(RunStorePopulations, APopulationAndItsMembersAreWrittenTogetherOrNotAtAll) {
  const ScratchDirectory scratch;
  RunStore store(scratch / "runs.db");
  const RunId run = store.begin_run({.name = "pop", .nnlab_version = "0.1.0"});
  // Member 1 twice: the second insert fails, and the population row goes with it.
  const std::vector<MemberStart> clash{{.member = 0, .population = 0, .seed = 1},
                                       {.member = 1, .population = 0, .seed = 2},
                                       {.member = 1, .population = 0, .seed = 3}};
  EXPECT_ANY_THROW(store.add_population_with_members(run, {.population = 0, .description = "2-1"}, clash));
  EXPECT_TRUE(store.get_run(run).populations.empty());
  EXPECT_TRUE(store.get_run(run).members.empty());

  const std::vector<MemberStart> members{{.member = 0, .population = 0, .seed = 1}, {.member = 1, .population = 0, .seed = 2}};
  store.add_population_with_members(run, {.population = 0, .description = "2-1"}, members);
  const RunRecord record = store.get_run(run);
  EXPECT_EQ(record.populations, (std::vector<PopulationInfo>{{0, "2-1"}}));
  ASSERT_EQ(record.members.size(), 2u);
  EXPECT_EQ(record.members[1].seed, 2u);
  // Members of another population are a caller's mistake.
  const std::vector<MemberStart> stray{{.member = 2, .population = 5}};
  EXPECT_THROW(store.add_population_with_members(run, {.population = 1}, stray), std::invalid_argument);
}

}  // namespace
}  // namespace nnlab
