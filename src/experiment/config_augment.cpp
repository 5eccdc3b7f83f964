// `data.augment` and `train.mixup`: what changes the training batches (train/augment_hook.hpp,
// train/mixup.hpp), checked against the rest of the file (mini-batches, the loss).
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <vector>

#include "experiment/config_parts.hpp"

namespace nnlab::config_parts {
namespace {

AugmentConfig read_augment(const Field& field) {
  const Section section(field, {"shift", "rotate", "scale", "flip", "noise", "erase"});
  AugmentConfig augment;
  if (const auto shift = section.find("shift")) augment.shift = integer_at_least(*shift, 0);
  if (const auto rotate = section.find("rotate")) {
    augment.rotate = non_negative(*rotate);
    rotate->check(augment.rotate <= 180, "must be <= 180 degrees");
  }
  if (const auto scale = section.find("scale")) {
    const std::vector<Field> bounds = scale->is_list() ? scale->items() : std::vector<Field>{};
    if (bounds.size() != 2) scale->fail(fmt::format("expected [min, max], got {}", scale->shown()));
    augment.scale_min = positive(bounds[0]);
    augment.scale_max = positive(bounds[1]);
    if (augment.scale_min > augment.scale_max)
      scale->fail(fmt::format("min must be <= max, got [{}, {}]", bounds[0].text(), bounds[1].text()));
  }
  if (const auto flip = section.find("flip")) {
    const std::string text = flip->is_scalar() ? flip->text() : std::string();
    if (text != "horizontal" && text != "none") flip->fail(fmt::format("expected horizontal or none, got {}", flip->got()));
    augment.flip_horizontal = text == "horizontal";
  }
  if (const auto noise = section.find("noise")) augment.noise = non_negative(*noise);
  if (const auto erase = section.find("erase")) augment.erase = in_closed_unit_interval(*erase);
  return augment;
}

MixupConfig read_mixup(const Field& field) {
  const Section section(expand_shorthand(field, "alpha"), {"alpha"});
  MixupConfig mixup;
  if (const auto alpha = section.find("alpha")) mixup.alpha = positive(*alpha);
  return mixup;
}

// A key that is present in `section`'s map and not switched off (null or false, so that a sweep
// can compare with and without: `train.mixup: [false, {alpha: 0.2}]`), as a Field.
std::optional<Field> entry(const Field& section, std::string_view key) {
  if (!section.is_map() || !section.node()[std::string(key)]) return std::nullopt;
  const Field field = section.child(key, section.node()[std::string(key)]);
  if (field.is_null()) return std::nullopt;
  if (field.is_scalar() && (field.text() == "false" || field.text() == "off" || field.text() == "no")) return std::nullopt;
  return field;
}

}  // namespace

void read_batch_rewrites(const Field& data, const Field& train, ExperimentConfig& config) {
  const auto needs_mini_batches = [&](const Field& field) {
    if (config.train.batch == 0) field.fail("needs mini-batches (train.batch; a full batch is gathered once for every epoch)");
  };
  if (const auto augment = entry(data, "augment")) {
    config.train.augment = read_augment(*augment);
    needs_mini_batches(*augment);
  }
  if (const auto mixup = entry(train, "mixup")) {
    config.train.mixup = read_mixup(*mixup);
    needs_mini_batches(*mixup);
    if (config.loss.kind != LossKind::cross_entropy && config.loss.kind != LossKind::mse)
      mixup->fail("mixes the targets: needs loss cross_entropy or mse");
    if (config.loss.label_smoothing != 0) mixup->fail("mixes the targets itself; loss.label_smoothing cannot go with it");
    config.loss.soft_targets = config.loss.kind == LossKind::cross_entropy;  // trains against the mixed distributions
  }
}

}  // namespace nnlab::config_parts
