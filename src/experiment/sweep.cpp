#include "experiment/sweep.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <set>

#include "core/rng.hpp"
#include "core/text.hpp"

namespace nnlab {
namespace {

SweepDistribution read_distribution(const Field& field) {
  const std::string name = field.text();
  if (name == "uniform") return SweepDistribution::uniform;
  if (name == "log_uniform") return SweepDistribution::log_uniform;
  if (name == "int_uniform") return SweepDistribution::int_uniform;
  field.fail(fmt::format("unknown distribution '{}' (uniform, log_uniform or int_uniform)", shown_value(name)));
}

SweepParameter read_parameter(const Field& field) {
  SweepParameter parameter;
  parameter.key = field.key().substr(std::string("sweep.parameters.").size());
  const YAML::Node& node = field.node();
  if (node.IsSequence()) {
    if (node.size() == 0) field.fail("an empty list of values");
    for (const auto& value : node) parameter.values.push_back(YAML::Clone(value));
    return parameter;
  }
  if (!node.IsMap()) field.fail("expected a list of values or {min, max, distribution}");
  const Section section(field, {"values", "min", "max", "distribution"});
  if (const auto values = section.find("values")) {
    if (section.find("min") || section.find("max") || section.find("distribution"))
      field.fail("give either values or {min, max, distribution}, not both");
    if (!values->node().IsSequence() || values->node().size() == 0) values->fail("expected a non-empty list of values");
    for (const auto& value : values->node()) parameter.values.push_back(YAML::Clone(value));
    return parameter;
  }
  const auto min = section.find("min"), max = section.find("max");
  if (!min || !max) field.fail("a distribution needs min and max");
  parameter.min = min->number();
  parameter.max = max->number();
  parameter.distribution = SweepDistribution::uniform;
  if (const auto distribution = section.find("distribution")) parameter.distribution = read_distribution(*distribution);
  if (!(parameter.min <= parameter.max)) field.fail(fmt::format("min {} > max {}", parameter.min, parameter.max));
  if (parameter.distribution == SweepDistribution::log_uniform && !(parameter.min > 0))
    min->fail(fmt::format("log_uniform needs min > 0, got {}", parameter.min));
  return parameter;
}

// One random draw of a parameter: an index into its list, or a sample's text (as the node
// YAML::Node(double) holds, so the trial's tree is what writing that node gave).
void sample(const SweepParameter& parameter, CounterRng& rng, SweptValues& values, std::size_t& pick) {
  if (!parameter.values.empty()) {
    pick = rng.below(parameter.values.size());
    return;
  }
  pick = values.texts.size();
  switch (*parameter.distribution) {
    case SweepDistribution::uniform:
      values.texts.push_back(YAML::Node(rng.uniform(parameter.min, parameter.max)).Scalar());
      return;
    case SweepDistribution::log_uniform:
      values.texts.push_back(YAML::Node(std::exp(rng.uniform(std::log(parameter.min), std::log(parameter.max)))).Scalar());
      return;
    case SweepDistribution::int_uniform: {
      const auto low = static_cast<std::int64_t>(std::ceil(parameter.min)), high = static_cast<std::int64_t>(std::floor(parameter.max));
      values.texts.push_back(YAML::Node(low + static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(high - low + 1)))).Scalar());
      return;
    }
  }
}

// sweep.zip: a map of keys to lists of one length, none of them also a grid parameter.
std::vector<SweepParameter> read_zip(const Field& zip, const std::vector<SweepParameter>& grid, const YamlOrigin& origin) {
  if (!zip.node().IsMap() || zip.node().size() == 0) zip.fail("expected a map of dotted config keys to lists of values");
  std::vector<SweepParameter> keys;
  for (const auto& entry : zip.node()) {
    if (!entry.first.IsScalar()) zip.fail("keys must be dotted config keys, got a list or map as a key");
    SweepParameter parameter;
    parameter.key = entry.first.Scalar();
    const std::string where = "sweep.zip." + parameter.key;
    if (std::ranges::any_of(keys, [&](const SweepParameter& other) { return other.key == parameter.key; }))
      fail_at(origin, where, "duplicate key");
    if (std::ranges::any_of(grid, [&](const SweepParameter& other) { return other.key == parameter.key; }))
      fail_at(origin, where, "also in sweep.parameters; a key is either zipped or a grid parameter");
    if (!entry.second.IsSequence()) fail_at(origin, where, "expected a list of values");
    if (entry.second.size() == 0) fail_at(origin, where, "an empty list of values");
    for (const auto& value : entry.second) parameter.values.push_back(YAML::Clone(value));
    if (!keys.empty() && parameter.values.size() != keys.front().values.size())
      fail_at(origin, where, fmt::format("{} values, but sweep.zip.{} has {}", parameter.values.size(), keys.front().key, keys.front().values.size()));
    keys.push_back(std::move(parameter));
  }
  return keys;
}

}  // namespace

SweepSpec read_sweep(const YAML::Node& node, const YamlOrigin& origin) {
  SweepSpec sweep;
  if (!node || node.IsNull()) return sweep;
  const Field field(origin, node, "sweep");
  const Section section(field, {"method", "count", "max_trials", "parameters", "zip"});
  if (const auto method = section.find("method")) {
    const std::string name = method->text();
    if (name == "grid") sweep.method = SweepMethod::grid;
    else if (name == "random") sweep.method = SweepMethod::random;
    else method->fail(fmt::format("unknown method '{}' (grid or random)", shown_value(name)));
  }
  if (const auto count = section.find("count")) {
    const auto value = count->integer();
    if (value < 1) count->fail(fmt::format("must be >= 1, got {}", value));
    sweep.count = value;
  }
  if (const auto max_trials = section.find("max_trials")) {
    const auto value = max_trials->integer();
    if (value < 1) max_trials->fail(fmt::format("must be >= 1, got {}", value));
    sweep.max_trials = value;
  }
  const auto parameters = section.find("parameters");
  const auto zip = section.find("zip");
  // Without a zip the grid must be there; with one it may be left out.
  if (!zip || parameters) {
    if (!parameters || !parameters->node().IsMap() || parameters->node().size() == 0)
      field.fail("parameters: expected a map of dotted config keys to values");
    std::set<std::string> keys;
    for (const auto& entry : parameters->node()) {
      if (!entry.first.IsScalar()) parameters->fail("keys must be dotted config keys, got a list or map as a key");
      const std::string key = entry.first.Scalar();
      // yaml-cpp keeps both entries of a repeated key; a sweep would vary the key twice.
      if (!keys.insert(key).second) fail_at(origin, "sweep.parameters." + key, "duplicate key");
      sweep.parameters.push_back(read_parameter(Field(origin, entry.second, "sweep.parameters." + key)));
    }
  }
  if (zip) sweep.zip = read_zip(*zip, sweep.parameters, origin);
  if (sweep.method == SweepMethod::grid) {
    for (const auto& parameter : sweep.parameters)
      if (parameter.distribution)
        fail_at(origin, "sweep.parameters." + parameter.key, "a grid needs a list of values (distributions need method: random)");
    if (sweep.count != 0) fail_at(origin, "sweep.count", "only for method: random");
  } else if (sweep.count == 0) {
    fail_at(origin, "sweep.count", "method: random needs count");
  }
  return sweep;
}

SweepTable tabulate_trials(const SweepSpec& sweep, std::uint64_t seed, bool force, const YamlOrigin& origin) {
  SweepTable table;
  for (const auto* keys : {&sweep.parameters, &sweep.zip})
    for (const auto& parameter : *keys) {
      SweptValues values{.key = parameter.key, .nodes = parameter.values, .texts = {}, .zipped = keys == &sweep.zip};
      for (const auto& value : parameter.values) values.texts.push_back(value_text(value));
      table.parameters.push_back(std::move(values));
    }
  if (table.parameters.empty()) return table;
  const std::size_t grid = sweep.parameters.size(), columns = table.parameters.size();
  if (sweep.method == SweepMethod::random) {
    if (sweep.count > sweep.max_trials && !force)
      fail_at(origin, "sweep.count", fmt::format("{} trials exceed max_trials {} (raise sweep.max_trials or pass --force)", sweep.count, sweep.max_trials));
    table.trials = sweep.count;
    table.picks.resize(static_cast<std::size_t>(sweep.count) * columns);
    for (Index t = 0; t < sweep.count; ++t) {
      CounterRng rng(seed, RngPurpose::sweep, 0, static_cast<std::uint64_t>(t));
      std::size_t* picks = table.picks.data() + static_cast<std::size_t>(t) * columns;
      for (std::size_t k = 0; k < grid; ++k) sample(sweep.parameters[k], rng, table.parameters[k], picks[k]);
      // The zip is sampled as one unit: one position for all its keys.
      if (!sweep.zip.empty()) std::fill(picks + grid, picks + columns, static_cast<std::size_t>(rng.below(sweep.zip.front().values.size())));
    }
    return table;
  }
  // One grid dimension per parameter, and one for the zip, shared by its keys.
  std::vector<Index> sizes;
  for (const auto& parameter : sweep.parameters) sizes.push_back(static_cast<Index>(parameter.values.size()));
  if (!sweep.zip.empty()) sizes.push_back(static_cast<Index>(sweep.zip.front().values.size()));
  Index total = 1;
  for (const Index size : sizes) total = total > std::numeric_limits<Index>::max() / size ? std::numeric_limits<Index>::max() : total * size;
  if (total > sweep.max_trials && !force)
    fail_at(origin, sweep.parameters.empty() ? "sweep.zip" : "sweep.parameters",
            fmt::format("the grid has {} trials, more than max_trials {} (raise sweep.max_trials or pass --force)", total, sweep.max_trials));
  table.trials = total;
  // Row-major: the last dimension (the zip, when there is one) varies fastest.
  std::vector<Index> strides(sizes.size(), 1);
  for (std::size_t d = sizes.size() - 1; d > 0; --d) strides[d - 1] = strides[d] * sizes[d];
  table.strides.resize(columns);
  for (std::size_t k = 0; k < columns; ++k) table.strides[k] = strides[std::min(k, sizes.size() - 1)];
  return table;
}

namespace {

// Flow style all the way down: a list or map loaded in block style would keep it (and its
// line breaks) inside an outer flow list.
void set_flow_style(YAML::Node node) {
  if (!node.IsSequence() && !node.IsMap()) return;
  node.SetStyle(YAML::EmitterStyle::Flow);
  for (auto entry = node.begin(); entry != node.end(); ++entry) set_flow_style(node.IsMap() ? entry->second : *entry);
}

}  // namespace

std::string value_text(const YAML::Node& value) {
  YAML::Emitter emitter;
  if (value.IsScalar()) {
    if (value.Scalar().find('\n') == std::string::npos) return value.Scalar();
    emitter << YAML::DoubleQuoted << value.Scalar();  // "a\nb" stays on one line
    return emitter.c_str();
  }
  YAML::Node copy = YAML::Clone(value);
  set_flow_style(copy);
  emitter << YAML::Flow << copy;
  return emitter.c_str();
}

nlohmann::json value_json(std::string_view text) {
  std::int64_t integer = 0;
  if (const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), integer);
      error == std::errc() && end == text.data() + text.size())
    return integer;
  double real = 0.0;
  if (const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), real);
      error == std::errc() && end == text.data() + text.size() && std::isfinite(real))
    return real;
  return std::string(text);
}

}  // namespace nnlab
