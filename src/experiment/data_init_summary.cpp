#include "experiment/data_init_summary.hpp"

#include <fmt/format.h>

namespace nnlab {
namespace {

const char* init_name(InitKind kind) { return kind == InitKind::lsuv ? "lsuv" : "pca"; }

std::string number(double value) { return fmt::format("{:.4g}", value); }

}  // namespace

std::string data_init_text(const RunSummary& summary, const TrialSummary& trial) {
  if (trial.members.empty()) return "";
  const auto& first = summary.members[static_cast<std::size_t>(trial.members.front())].data_init;
  if (first.empty()) return "";
  std::string text = trial.members.size() > 1 ? fmt::format("  data init (median over {} members):", trial.members.size()) : "  data init:";
  for (std::size_t k = 0; k < first.size(); ++k) {
    std::vector<double> before, after, rescalings;
    for (const Index m : trial.members) {
      const auto& layers = summary.members[static_cast<std::size_t>(m)].data_init;
      if (k >= layers.size()) continue;
      before.push_back(layers[k].variance_before);
      after.push_back(layers[k].variance_after);
      rescalings.push_back(static_cast<double>(layers[k].rescalings));
    }
    text += fmt::format("{} layer {} {} variance {} → {}", k == 0 ? "" : ";", first[k].layer, init_name(first[k].kind),
                        number(quantiles(before).median), number(quantiles(after).median));
    if (first[k].kind == InitKind::lsuv) text += fmt::format(" after {} rescalings", number(quantiles(rescalings).median));
  }
  return text + "\n";
}

nlohmann::json data_init_json(const MemberSummary& member) {
  nlohmann::json layers = nlohmann::json::array();
  for (const DataInitLayer& layer : member.data_init)
    layers.push_back({{"layer", layer.layer},
                      {"init", init_name(layer.kind)},
                      {"variance_before", layer.variance_before},
                      {"variance_after", layer.variance_after},
                      {"rescalings", layer.rescalings}});
  return layers;
}

}  // namespace nnlab
