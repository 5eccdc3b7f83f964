// Mutated experiment files: every one either parses or fails with an InputError — never a crash,
// a hang or another exception type.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "experiment/config.hpp"

namespace nnlab {
namespace {

constexpr std::string_view seed_file = R"(name: fuzz
seed: 1
replicates: 3
data:
  train: {source: csv, path: a.csv, label_column: 2}
  test: mirror
  validation: 0.1
  subset: {train: 20, test: 10}
model:
  inputs: 6
  init: {weight: {uniform: [-0.3, 0.3]}, bias: {normal: {mean: 0, std: 1}}}
  layers:
    - {type: dense, units: 2, activation: sigmoid, steepness: 2, init: {weight: {orthogonal: {gain: 2}}}}
    - {units: 1, activation: sigmoid}
loss: {type: sse, class_weights: [1, 7]}
optimizer: {type: adam, lr: 0.1, betas: [0.9, 0.99], layer_lr: [1, 2]}
schedule: {type: step, step_size: 3, gamma: 0.5}
train: {epochs: 10, batch: full, order: fixed}
success: {train_accuracy: 1.0, test_accuracy: 0.5}
sweep: {method: grid}
)";

// Characters that change YAML structure, plus a few that change values.
constexpr std::string_view interesting = "{}[]:,-#&*!|>'\"% \n\t0123456789.e~?<=";

std::string mutate(std::string text, std::mt19937& random) {
  const int edits = 1 + static_cast<int>(random() % 3);
  for (int edit = 0; edit < edits && !text.empty(); ++edit) {
    const std::size_t at = random() % text.size();
    switch (random() % 4) {
      case 0: text.erase(at, 1 + random() % 4); break;
      case 1: text.insert(at, 1, interesting[random() % interesting.size()]); break;
      case 2: text[at] = interesting[random() % interesting.size()]; break;
      case 3: {  // repeat a stretch of the file elsewhere
        const std::size_t length = std::min<std::size_t>(1 + random() % 40, text.size() - at);
        text.insert(random() % text.size(), text.substr(at, length));
        break;
      }
    }
  }
  return text;
}

TEST(ConfigFuzz, MutatedFilesFailOnlyWithInputErrors) {
  std::mt19937 random(12345);
  int parsed = 0;
  int rejected = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    const std::string text = mutate(std::string(seed_file), random);
    try {
      parse_experiment(text, "fuzz.yaml",
                       trial % 5 == 0 ? std::vector<std::string>{"optimizer.lr=0.5"} : std::vector<std::string>{});
      ++parsed;
    } catch (const InputError& error) {
      const std::string_view message = error.what();
      EXPECT_TRUE(message.starts_with("fuzz.yaml: ")) << message;
      EXPECT_EQ(message.find('\n'), std::string_view::npos) << "not one line: " << message << "\n--- file:\n" << text;
      ++rejected;
    } catch (const std::exception& error) {
      ADD_FAILURE() << "unexpected " << typeid(error).name() << ": " << error.what() << "\n--- file:\n" << text;
    }
  }
  // Both outcomes occur, so the mutations neither break everything nor nothing.
  EXPECT_GT(parsed, 50);
  EXPECT_GT(rejected, 100);
}

TEST(ConfigFuzz, PathologicalDocuments) {
  const std::vector<std::string> documents{
      std::string(20000, '[') + std::string(20000, ']'),  // deep nesting
      "a: &x [*x]",                                       // an alias inside its own anchor
      "? [a]\n: 1\n",                                     // a list as a key
      std::string("\0\x01\xff", 3),                       // bytes that are not text
      "data: {train: mirror}\nmodel: {layers: [{units: 99999999999999999999999}]}\n",
  };
  for (const std::string& text : documents) EXPECT_THROW(parse_experiment(text, "odd.yaml"), InputError) << text;
}

}  // namespace
}  // namespace nnlab
