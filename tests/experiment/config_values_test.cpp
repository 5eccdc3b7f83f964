// Values that only look right: quoted or !!str numbers, NUL bytes, megabyte names. Each is one
// short InputError line naming the file and the key (or byte).
#include <gtest/gtest.h>

#include "experiment/config_error_support.hpp"

#include <string>
#include <vector>

#include "core/error.hpp"
#include "experiment/config.hpp"

namespace nnlab {
namespace {

using testing::error_of;
using testing::with;




// YAML: a quoted scalar (tag "!") and a !!str one are strings, whatever they read like.
TEST(ConfigValues, QuotedNumbersAreStrings) {
  EXPECT_EQ(error_of(with("optimizer: {lr: \"0.1\"}\n")),
            "mirror.yaml: optimizer.lr: expected a number, got \"0.1\" (quoted, so a string)");
  EXPECT_EQ(error_of(with("optimizer: {lr: '0.1'}\n")),
            "mirror.yaml: optimizer.lr: expected a number, got \"0.1\" (quoted, so a string)");
  EXPECT_EQ(error_of(with("optimizer: {lr: !!str 1}\n")),
            "mirror.yaml: optimizer.lr: expected a number, got !!str 1 (tagged, so a string)");
  EXPECT_EQ(error_of(with("train: {epochs: \"5\"}\n")),
            "mirror.yaml: train.epochs: expected an integer, got \"5\" (quoted, so a string)");
  const std::string batch = error_of(with("train: {batch: \"64\"}\n"));
  EXPECT_EQ(batch.rfind("mirror.yaml: train.batch: expected an integer or 'full', got \"64\"", 0), 0u) << batch;
  EXPECT_EQ(error_of(with("optimizer: {nesterov: \"true\", momentum: 0.9}\n")),
            "mirror.yaml: optimizer.nesterov: expected true or false, got \"true\" (quoted, so a string)");
  EXPECT_EQ(error_of("data: {train: {source: mirror, bits: '4'}}\n" + std::string("model: {layers: [{units: 1}]}\n")),
            "mirror.yaml: data.train.bits: expected an integer, got \"4\" (quoted, so a string)");
  // Plain, and explicitly typed, numbers still read; so do quoted names.
  EXPECT_EQ(error_of(with("optimizer: {lr: 0.1, momentum: !!float 0.5}\ntrain: {epochs: !!int 3}\n")), "(no error)");
  EXPECT_EQ(error_of(with("name: \"0.1\"\nloss: \"sse\"\n")), "(no error)");
}

TEST(ConfigValues, SetValuesAreReadAsYamlToo) {
  const ExperimentConfig config = parse_experiment(with(""), "mirror.yaml", {"optimizer.lr=0.25", "train.epochs=7"});
  EXPECT_DOUBLE_EQ(config.optimizer.lr, 0.25);
  EXPECT_EQ(config.train.epochs, 7);
  EXPECT_EQ(error_of(with(""), {"optimizer.lr=\"0.25\""}),
            "mirror.yaml: optimizer.lr (from --set): expected a number, got \"0.25\" (quoted, so a string)");
}

TEST(ConfigValues, NulByteIsRefusedWithItsOffset) {
  const std::string text = with("") + std::string(1, '\0') + "optimizer: {lr: -1}\n";
  EXPECT_EQ(error_of(text), "mirror.yaml: byte " + std::to_string(with("").size()) +
                                ": a NUL byte; an experiment file is text (anything after it would be ignored)");
  EXPECT_EQ(error_of(std::string("data: {train: mir\0ror}\n", 23)).rfind("mirror.yaml: byte 17: a NUL byte", 0), 0u);
}

// An error line quotes at most 80 characters of a value and says how long it was.
TEST(ConfigValues, HugeValuesAreCappedInMessages) {
  const std::string huge(100'000, 'x');
  const auto expect_short = [](const std::string& message, const std::string& fragment) {
    EXPECT_NE(message.find(fragment), std::string::npos) << message.substr(0, 400);
    EXPECT_NE(message.find(" bytes)"), std::string::npos) << message.substr(0, 400);  // "… (100,000 bytes)"
    EXPECT_LT(message.size(), 300u) << message.substr(0, 400);
  };
  expect_short(error_of("data: {train: mirror}\nmodel: {layers: [{units: 1, activation: " + huge + "}]}\n"),
               "mirror.yaml: model.layers.0.activation: unknown activation 'xxxx");
  expect_short(error_of(with("optimizer: {lr: " + huge + "}\n")), "mirror.yaml: optimizer.lr: expected a number, got 'xxx");
  expect_short(error_of(with("optimizer: {lr: -0.1" + std::string(99'996, '0') + "}\n")), "must be > 0, got -0.1000");
  expect_short(error_of(with("optimizer:\n  ? " + huge + "\n  : 1\n")), "mirror.yaml: optimizer.xxxx");  // a long key is explicit
  expect_short(error_of(with(""), {huge}), "mirror.yaml: --set 'xxx");
  expect_short(error_of(with(""), {"optimizer.lr=" + huge}), "optimizer.lr (from --set): expected a number");
  expect_short(error_of(with(""), {huge + "=1"}), "unknown key");
  // Control characters are escaped, so the line stays one line.
  const std::string message = error_of(with("optimizer: {lr: \"1\\r2\\n3\"}\n"));
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  EXPECT_EQ(message.find('\r'), std::string::npos) << message;
  EXPECT_NE(message.find("1\\r2\\n3"), std::string::npos) << message;
}

}  // namespace
}  // namespace nnlab
