#include "report/run_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "core/statistics.hpp"
#include "io/safetensors.hpp"
#include "report/bar_chart.hpp"
#include "report/class_scatter.hpp"
#include "report/heatmap.hpp"
#include "report/tsne.hpp"
#include "report/curve_charts.hpp"
#include "report/hinton.hpp"
#include "report/histogram_outlines.hpp"
#include "report/html.hpp"
#include "report/image_grid.hpp"

namespace nnlab {
namespace {

using nlohmann::json;

struct TrialMembers {
  Index trial = 0;
  std::string label;                            // "optimizer.lr=0.1 ..." or "" without a sweep
  std::vector<std::pair<std::string, std::string>> parameters;
  std::vector<Index> members;
  json statistics;                              // the trial's entry of the summary
};

double quantile(std::vector<double> values, double q) {
  std::erase_if(values, [](double v) { return !std::isfinite(v); });
  if (values.empty()) return std::nan("");
  std::sort(values.begin(), values.end());
  return quantile_of_sorted(values, q);
}

std::vector<TrialMembers> trials_of(const json& summary) {
  std::vector<TrialMembers> trials;
  if (!summary.contains("trials")) return trials;
  for (const auto& entry : summary["trials"]) {
    TrialMembers trial;
    trial.trial = entry.value("trial", Index{0});
    for (const auto& [key, value] : entry["parameters"].items()) {
      trial.parameters.emplace_back(key, value.get<std::string>());
      trial.label += fmt::format("{}{}={}", trial.label.empty() ? "" : " ", key, value.get<std::string>());
    }
    trial.statistics = entry;
    trials.push_back(std::move(trial));
  }
  for (const auto& member : summary["members"]) {
    const Index t = member.value("trial", Index{0});
    for (auto& trial : trials)
      if (trial.trial == t) trial.members.push_back(member.value("member", Index{0}));
  }
  return trials;
}

// Median, quartiles and (some) individual runs of one metric over a group of members, by epoch.
Band band_of(const RunStore& store, RunId run, std::span<const Index> members, const std::string& metric, const std::string& name, int color) {
  Band band;
  band.name = name;
  band.color = color;
  std::map<Epoch, std::size_t> column;
  std::vector<MetricSeries> all;
  for (const Index member : members) {
    all.push_back(store.read_series(run, member, metric));
    for (const Epoch e : all.back().epochs) column.emplace(e, 0);
  }
  std::size_t index = 0;
  for (auto& [epoch, position] : column) {
    position = index++;
    band.x.push_back(static_cast<double>(epoch));
  }
  std::vector<std::vector<double>> by_epoch(band.x.size());
  for (const MetricSeries& series : all) {
    std::vector<double> run_values(band.x.size(), std::nan(""));
    for (std::size_t i = 0; i < series.epochs.size(); ++i) {
      const std::size_t c = column[series.epochs[i]];
      run_values[c] = series.values[i];
      by_epoch[c].push_back(series.values[i]);
    }
    band.runs.push_back(std::move(run_values));
  }
  for (const auto& values : by_epoch) {
    band.low.push_back(quantile(values, 0.25));
    band.mid.push_back(quantile(values, 0.5));
    band.high.push_back(quantile(values, 0.75));
  }
  if (members.size() < 2) band.low.clear(), band.high.clear(), band.runs.clear();
  return band;
}

bool has_metric(const std::vector<std::string>& metrics, const std::string& name) {
  return std::find(metrics.begin(), metrics.end(), name) != metrics.end();
}

bool spans_decades(std::span<const Band> bands) {
  double low = INFINITY, high = 0;
  for (const Band& band : bands)
    for (const double v : band.mid)
      if (std::isfinite(v) && v > 0) low = std::min(low, v), high = std::max(high, v);
  return high > 0 && high / low >= 100;
}

void add_curves(ReportSection& section, const RunStore& store, const RunInfo& info, const std::vector<TrialMembers>& trials,
                const std::vector<std::string>& metrics, std::size_t member_count) {
  const bool single = member_count == 1;
  for (const char* quantity : {"loss", "accuracy"}) {
    std::vector<Band> bands;
    int color = 0;
    // Several trials: one band per trial for the training metric (up to 8 trials), else train vs test.
    if (trials.size() > 1 && trials.size() <= 8) {
      for (const auto& trial : trials) bands.push_back(band_of(store, info.id, trial.members, fmt::format("train_{}", quantity), trial.label, color++));
    } else {
      std::vector<Index> everyone;
      for (const auto& trial : trials) everyone.insert(everyone.end(), trial.members.begin(), trial.members.end());
      for (const char* split : {"train", "validation", "test"}) {
        const std::string metric = fmt::format("{}_{}", split, quantity);
        if (has_metric(metrics, metric)) bands.push_back(band_of(store, info.id, everyone, metric, split, color++));
      }
    }
    if (bands.empty()) continue;
    const std::string y_label = quantity;
    const std::string what = single ? "" : " (median, 25–75 % band, faint: individual seeds)";
    for (const ScaleKind scale : {ScaleKind::linear, ScaleKind::log}) {
      if (scale == ScaleKind::log && (std::string(quantity) == "accuracy" || !spans_decades(bands))) continue;
      const std::string scale_name = scale == ScaleKind::log ? " (log scale)" : "";
      Figure figure = single ? [&] {
        std::vector<Series> series;
        for (const Band& band : bands) series.push_back(Series{band.name, band.x, band.mid, band.color, false});
        return line_chart(series, LineChartOptions{.title = fmt::format("{} over epochs{}", quantity, scale_name), .x_label = "epoch",
                                                   .y_label = y_label, .x_scale = ScaleKind::linear, .y_scale = scale});
      }()
                             : band_chart(bands, BandChartOptions{.title = fmt::format("{} over epochs{}", quantity, scale_name), .x_label = "epoch",
                                                                   .y_label = y_label, .x_scale = ScaleKind::linear, .y_scale = scale});
      section.blocks.push_back(ReportFigure{fmt::format("{}-{}{}", info.name, quantity, scale == ScaleKind::log ? "-log" : ""), std::move(figure),
                                            fmt::format("{} over epochs{}{}", quantity, what, scale_name)});
    }
  }
}

// Final metric versus the first swept numeric value (the learning-rate figures of seed 004).
void add_sweep_charts(ReportSection& section, const RunStore& store, const RunInfo& info, const std::vector<TrialMembers>& trials,
                      const json& summary) {
  if (trials.size() < 2 || trials.front().parameters.empty()) return;
  const std::string key = trials.front().parameters.front().first;
  std::map<std::string, Band> groups;  // by the other swept values
  std::vector<ValuedCurve> curves;
  for (const auto& trial : trials) {
    double value = 0;
    try {
      value = std::stod(trial.parameters.front().second);
    } catch (const std::exception&) {
      return;  // not numeric: the per-trial curves and table say it all
    }
    std::string rest;
    for (std::size_t k = 1; k < trial.parameters.size(); ++k) rest += fmt::format("{}{}={}", rest.empty() ? "" : " ", trial.parameters[k].first, trial.parameters[k].second);
    Band& band = groups[rest];
    band.name = rest.empty() ? "final train loss" : rest;
    std::vector<double> finals;
    for (const Index m : trial.members) finals.push_back(summary["members"][static_cast<std::size_t>(m)].value("train_loss", std::nan("")));
    band.x.push_back(value);
    band.low.push_back(quantile(finals, 0.25));
    band.mid.push_back(quantile(finals, 0.5));
    band.high.push_back(quantile(finals, 0.75));
    const Band curve = band_of(store, info.id, trial.members, "train_loss", "", 0);
    curves.push_back(ValuedCurve{value, curve.x, curve.mid});
  }
  std::vector<Band> bands;
  for (auto& [name, band] : groups) bands.push_back(std::move(band));
  section.blocks.push_back(ReportFigure{info.name + "-sweep-final-loss",
                                        sweep_chart(bands, SweepChartOptions{.title = "final train loss vs " + key, .x_label = key, .y_label = "final train loss"}),
                                        "Final train loss against the swept value (median; whiskers: quartiles over seeds)."});
  section.blocks.push_back(ReportFigure{info.name + "-sweep-curves",
                                        value_curves_chart(curves, ValueCurvesOptions{.title = "train loss by " + key, .x_label = "epoch", .y_label = "train loss",
                                                                                      .value_label = key, .y_scale = ScaleKind::log}),
                                        "Median train loss over epochs, one curve per swept value."});
}

void add_success(ReportSection& section, const RunInfo& info, const std::vector<TrialMembers>& trials) {
  if (trials.empty() || !trials.front().statistics.contains("success_rate")) return;
  Table table{.caption = "Success rate per trial (95 % Wilson interval) and epochs to success", .header = {"trial", "parameters", "succeeded", "rate (95 % CI)",
                                                                                                         "epochs to success: median (quartiles)", "diverged"}};
  for (const auto& trial : trials) {
    const json& s = trial.statistics;
    const auto& interval = s["success_rate_95"];
    std::string epochs = "-";
    if (s["epochs_to_success"].is_object())
      epochs = fmt::format("{:.0f} ({:.0f}, {:.0f})", s["epochs_to_success"].value("median", 0.0), s["epochs_to_success"].value("q25", 0.0),
                           s["epochs_to_success"].value("q75", 0.0));
    table.rows.push_back({std::to_string(trial.trial), trial.label.empty() ? "—" : trial.label,
                          fmt::format("{}/{}", s.value("succeeded", 0), s.value("members", 0)),
                          format_rate(s.value("success_rate", 0.0), interval[0].get<double>(), interval[1].get<double>()), epochs,
                          std::to_string(s.value("diverged", 0))});
  }
  section.blocks.push_back(std::move(table));
  // The outcome histogram of seed 000: 1.0 / plateau / ≈0.5 / other / diverged.
  const std::vector<std::string> categories = {"1.0", "plateau", "≈ 0.5", "other", "diverged"};
  std::vector<BarGroup> groups;
  int color = 0;
  for (const auto& trial : trials) {
    if (groups.size() == 8) break;
    const json& o = trial.statistics["outcomes"];
    groups.push_back(BarGroup{trial.label.empty() ? "members" : trial.label,
                              {o.value("perfect", 0.0), o.value("plateau", 0.0), o.value("near_half", 0.0), o.value("other", 0.0), o.value("diverged", 0.0)},
                              color++});
  }
  section.blocks.push_back(ReportFigure{info.name + "-outcomes",
                                        grouped_bar_chart(categories, groups, BarChartOptions{.title = "final train accuracy", .x_label = "outcome", .y_label = "members"}),
                                        "Outcome of every member: perfect, the majority-class plateau (0.875 on the mirror task), near 0.5, other, diverged."});
}

// Seed 003's figure: the sum of absolute weights of the whole network over epochs, per member
// the sum over its layers; median, quartiles and the individual members.
void add_total_weight_l1(ReportSection& section, const RunStore& store, const RunInfo& info, std::span<const Index> members,
                         const std::vector<std::string>& metrics) {
  std::vector<std::string> layer_metrics;
  for (int layer = 0; layer < 64; ++layer)
    if (has_metric(metrics, fmt::format("layers.{}.weight_l1", layer))) layer_metrics.push_back(fmt::format("layers.{}.weight_l1", layer));
  if (layer_metrics.empty()) return;
  std::map<Epoch, std::vector<double>> by_epoch;
  std::vector<std::map<Epoch, double>> per_member;
  for (const Index member : members) {
    std::map<Epoch, double> total;
    std::map<Epoch, std::size_t> layers_seen;
    for (const std::string& metric : layer_metrics) {
      const MetricSeries series = store.read_series(info.id, member, metric);
      for (std::size_t i = 0; i < series.epochs.size(); ++i) {
        total[series.epochs[i]] += series.values[i];
        ++layers_seen[series.epochs[i]];
      }
    }
    std::erase_if(total, [&](const auto& entry) { return layers_seen[entry.first] != layer_metrics.size(); });
    for (const auto& [epoch, value] : total) by_epoch[epoch].push_back(value);
    per_member.push_back(std::move(total));
  }
  if (by_epoch.empty()) return;
  Band band{.name = "Σ|W|, all layers", .x = {}, .low = {}, .mid = {}, .high = {}, .runs = {}, .color = 0};
  for (const auto& [epoch, values] : by_epoch) {
    band.x.push_back(static_cast<double>(epoch));
    band.low.push_back(quantile(values, 0.25));
    band.mid.push_back(quantile(values, 0.5));
    band.high.push_back(quantile(values, 0.75));
  }
  if (members.size() > 1) {
    for (const auto& total : per_member) {
      std::vector<double> run;
      for (const auto& [epoch, values] : by_epoch) run.push_back(total.contains(epoch) ? total.at(epoch) : std::nan(""));
      band.runs.push_back(std::move(run));
    }
  } else {
    band.low.clear();
    band.high.clear();
  }
  const std::vector<Band> bands{band};
  section.blocks.push_back(ReportFigure{info.name + "-weight-l1-total",
                                        band_chart(bands, BandChartOptions{.title = "sum of absolute weights", .x_label = "epoch", .y_label = "Σ|W|",
                                                                           .x_scale = ScaleKind::linear, .y_scale = ScaleKind::linear}),
                                        "The sum of absolute weights of the whole network (biases excluded) over epochs: training grows the weights to use "
                                        "more capacity (median, 25–75 % band, faint: individual members)."});
}

// One "histograms" artefact as the recorder writes it: the epoch, the member, and per layer the
// binned weights and probe activations (core/histogram.hpp). Nothing when it is not of that form.
struct StoredHistograms {
  std::int64_t epoch = 0;
  Index member = 0;
  struct Entry {
    std::size_t layer = 0;
    BinnedCounts bins;
    std::int64_t nonfinite = 0;
  };
  std::vector<Entry> weights, activations;
};

std::optional<StoredHistograms> parse_histograms(const std::vector<std::byte>& content) {
  try {
    const json document = json::parse(bytes_text(content));
    StoredHistograms stored{.epoch = document.at("epoch").get<std::int64_t>(), .member = document.at("member").get<Index>(), .weights = {},
                            .activations = {}};
    for (auto [kind, entries] : {std::pair{"weights", &stored.weights}, std::pair{"activations", &stored.activations}}) {
      if (!document.contains(kind)) continue;
      for (const json& entry : document.at(kind).get<std::vector<json>>()) {
        StoredHistograms::Entry parsed{.layer = entry.at("layer").get<std::size_t>(),
                                       .bins = BinnedCounts{.low = entry.at("low").get<double>(), .high = entry.at("high").get<double>(),
                                                            .counts = entry.at("counts").get<std::vector<double>>()},
                                       .nonfinite = entry.value("nonfinite", std::int64_t{0})};
        const BinnedCounts& bins = parsed.bins;
        const bool sound = std::isfinite(bins.low) && std::isfinite(bins.high) && bins.low <= bins.high &&
                           std::all_of(bins.counts.begin(), bins.counts.end(), [](double c) { return std::isfinite(c) && c >= 0; });
        if (!sound) return std::nullopt;
        entries->push_back(std::move(parsed));
      }
    }
    return stored;
  } catch (const json::exception&) {
    return std::nullopt;  // a damaged artefact is left out of the report, not the whole report
  }
}

// Histograms of weights and of the probe activations of one member at the recorded epochs
// (artefacts "histograms"): per kind one figure, a panel per layer, an outline per epoch.
void add_histograms(ReportSection& section, const RunStore& store, const RunInfo& info) {
  std::vector<StoredHistograms> documents;
  for (const ArtefactInfo& artefact : store.list_artefacts(info.id)) {
    if (artefact.label.kind != "histograms") continue;
    const auto content = store.get_artefact(info.id, artefact.label);
    if (!content) continue;
    if (auto parsed = parse_histograms(content->content)) documents.push_back(std::move(*parsed));
  }
  if (documents.empty()) return;
  std::sort(documents.begin(), documents.end(), [](const auto& a, const auto& b) { return std::pair(a.member, a.epoch) < std::pair(b.member, b.epoch); });
  const Index member = documents.front().member;
  std::erase_if(documents, [&](const StoredHistograms& d) { return d.member != member; });
  for (const bool weights : {true, false}) {
    std::map<std::size_t, OutlinePanel> by_layer;
    for (std::size_t e = 0; e < documents.size(); ++e) {
      for (const auto& entry : weights ? documents[e].weights : documents[e].activations) {
        OutlinePanel& panel = by_layer[entry.layer];
        panel.title = fmt::format("layer {}", entry.layer);
        panel.outlines.push_back(HistogramOutline{
            .name = fmt::format("epoch {}{}", documents[e].epoch, entry.nonfinite > 0 ? fmt::format(" ({} NaN/Inf)", entry.nonfinite) : ""),
            .bins = entry.bins, .color = static_cast<int>(e)});
      }
    }
    std::erase_if(by_layer, [](const auto& layer) {
      return std::all_of(layer.second.outlines.begin(), layer.second.outlines.end(), [](const HistogramOutline& outline) {
        return std::all_of(outline.bins.counts.begin(), outline.bins.counts.end(), [](double c) { return c == 0; });
      });
    });
    if (by_layer.empty()) continue;
    std::vector<OutlinePanel> panels;
    for (auto& [layer, panel] : by_layer) panels.push_back(std::move(panel));
    const char* kind = weights ? "weights" : "activations";
    section.blocks.push_back(ReportFigure{
        fmt::format("{}-histogram-{}", info.name, kind),
        histogram_outlines(panels, HistogramOutlinesOptions{.title = fmt::format("{} per layer, member {}", kind, member),
                                                            .x_label = weights ? "weight" : "activation"}),
        fmt::format("Histograms of each layer's {} (member {}{}) at the recorded epochs, one outline per epoch: each bin's share of the "
                    "values (40 equal-width bins per epoch); a range narrower than the panel's widest bin is drawn as one bar of that width.",
                    weights ? "weights, biases excluded" : "outputs after the activation", member,
                    weights ? "" : ", on the probe set: the first ≤ 1,000 training examples")});
  }
}

void add_layer_diagnostics(ReportSection& section, const RunStore& store, const RunInfo& info, const std::vector<TrialMembers>& trials,
                           const std::vector<std::string>& metrics) {
  if (trials.empty()) return;
  const auto& all_members = trials.front().members;
  const std::span<const Index> members = std::span(all_members).first(std::min<std::size_t>(all_members.size(), 200));
  struct Statistic {
    const char* name;
    ScaleKind scale;
    const char* meaning;
  };
  const Statistic statistics[] = {
      {"weight_norm", ScaleKind::log, "‖W‖ (Frobenius)"},
      {"gradient_norm", ScaleKind::log, "‖∂L/∂W‖ of the epoch's last step"},
      {"update_ratio", ScaleKind::log, "‖ΔW‖ / ‖W‖ of the epoch's last step"},
      {"weight_l1", ScaleKind::linear, "Σ|W|, the sum of absolute weights"},
      {"dead_fraction", ScaleKind::linear, "the share of ReLU units that output ≤ 0 on every probe example (the first ≤ 1,000 training examples)"},
      {"saturated_fraction", ScaleKind::linear, "the share of sigmoid/tanh outputs within 1 % of a bound on the probe examples"},
  };
  for (const Statistic& stat : statistics) {
    std::vector<Series> series;
    for (int layer = 0; layer < 64; ++layer) {
      const std::string metric = fmt::format("layers.{}.{}", layer, stat.name);
      if (!has_metric(metrics, metric)) continue;
      const Band band = band_of(store, info.id, members, metric, fmt::format("layer {}", layer), layer);
      series.push_back(Series{band.name, band.x, band.mid, layer, false});
    }
    if (series.empty()) continue;
    section.blocks.push_back(ReportFigure{fmt::format("{}-{}", info.name, stat.name),
                                          line_chart(series, LineChartOptions{.title = stat.name, .x_label = "epoch", .y_label = stat.name,
                                                                              .x_scale = ScaleKind::linear, .y_scale = stat.scale}),
                                          fmt::format("Per layer, {} over epochs (median over members{}).", stat.meaning,
                                                      trials.size() > 1 ? " of the first trial" : "")});
  }
  add_total_weight_l1(section, store, info, members, metrics);
}

void add_weights(ReportSection& section, const RunStore& store, const RunInfo& info, const json& summary) {
  const auto artefacts = store.list_artefacts(info.id);
  const auto it = std::find_if(artefacts.begin(), artefacts.end(), [](const ArtefactInfo& a) { return a.label.kind == "weights"; });
  if (it == artefacts.end()) return;
  const auto artefact = store.get_artefact(info.id, it->label);
  if (!artefact || artefact->content.empty()) return;
  const SafetensorsFile file = parse_safetensors(artefact->content, "weights of run " + std::to_string(info.id));
  // Show a successful member when there is one (the learned solution), else member 0.
  Index member = 0;
  for (const auto& entry : summary["members"])
    if (entry.value("succeeded", false) && entry.value("population", Index{0}) == 0) {
      member = entry.value("member", Index{0});
      break;
    }
  Index population = 1;
  if (const auto p = file.metadata.find("nnlab_population"); p != file.metadata.end()) population = std::max<Index>(1, std::atoll(p->second.c_str()));
  if (member >= population) member = 0;
  std::map<std::string, Matrix> matrices;
  Index parameters = 0;
  for (const auto& tensor : file.tensors) {
    // One member's block: [P, out, in] / [P, out] in a population file, [out, in] / [out] otherwise.
    const Shape& shape = tensor.value.shape();
    const std::size_t offset = population > 1 ? 1 : 0;
    if (shape.size() < offset + 1) continue;
    Matrix matrix{.rows = shape.size() == offset + 2 ? static_cast<std::size_t>(shape[offset]) : 1,
                  .columns = static_cast<std::size_t>(shape.back()), .values = {}};
    const float* block = population > 1 ? tensor.value.slice(member) : tensor.value.data();
    matrix.values.assign(block, block + matrix.rows * matrix.columns);
    parameters += static_cast<Index>(matrix.values.size());
    matrices[tensor.name] = std::move(matrix);
  }
  const std::string who = fmt::format("member {}{}", member, summary["members"].size() > 1 ? " (the first successful one, if any)" : "");
  if (parameters <= 600) {
    std::vector<HintonLayer> layers;
    for (int i = 0; matrices.contains(fmt::format("layers.{}.weight", i)); ++i) {
      HintonLayer layer{fmt::format("layer {}", i), matrices[fmt::format("layers.{}.weight", i)], {}};
      if (matrices.contains(fmt::format("layers.{}.bias", i))) layer.bias = matrices[fmt::format("layers.{}.bias", i)].values;
      layers.push_back(std::move(layer));
    }
    section.blocks.push_back(ReportFigure{info.name + "-hinton", hinton_diagram(layers, HintonOptions{.title = "learned weights, " + who}),
                                          "Hinton diagram: square area ∝ |w|, white positive, black negative; the last column of each layer is its bias."});
  }
  if (matrices.contains("layers.0.weight") && matrices["layers.0.weight"].columns == 784) {
    const Matrix& first = matrices["layers.0.weight"];
    Matrix shown{std::min<std::size_t>(first.rows, 64), first.columns, {}};
    shown.values.assign(first.values.begin(), first.values.begin() + static_cast<std::ptrdiff_t>(shown.rows * shown.columns));
    const auto tiles = rows_as_images(shown, 28, 28);
    section.blocks.push_back(ReportFigure{info.name + "-first-layer", image_grid(tiles, ImageGridOptions{.title = "first-layer weights, " + who}),
                                          fmt::format("The first {} hidden units' input weights as 28×28 images (red positive, blue negative).", shown.rows)});
  }
}

void add_test_pictures(ReportSection& section, const RunStore& store, const RunInfo& info) {
  for (const ArtefactInfo& artefact : store.list_artefacts(info.id)) {
    if (artefact.label.kind != "confusion" && artefact.label.kind != "activations") continue;
    const auto content = store.get_artefact(info.id, artefact.label);
    if (!content) continue;
    const json document = json::parse(bytes_text(content->content), nullptr, false);
    if (document.is_discarded()) continue;
    const Index member = document.value("member", Index{0});
    if (artefact.label.kind == "confusion") {
      const auto classes = document.value("classes", std::size_t{0});
      Matrix matrix{classes, classes, {}};
      for (const auto& count : document["counts"]) matrix.values.push_back(count.get<double>());
      if (matrix.values.size() != classes * classes || classes == 0) continue;
      section.blocks.push_back(ReportFigure{fmt::format("{}-confusion-{}", info.name, member),
                                            heatmap_chart(matrix, HeatmapOptions{.title = fmt::format("confusion matrix on the test set, member {}", member),
                                                                                 .x_label = "predicted class", .y_label = "true class", .value_label = "examples"}),
                                            "Rows: true class; columns: predicted class; counts of test examples."});
    } else {
      const auto& rows = document["values"];
      if (rows.size() < 10) continue;
      Matrix points{rows.size(), rows[0].size(), {}};
      for (const auto& row : rows)
        for (const auto& value : row) points.values.push_back(value.get<double>());
      const TsneResult embedding = tsne(points, TsneOptions{.iterations = 750});
      ClassPoints scatter;
      for (std::size_t i = 0; i < points.rows; ++i) {
        scatter.x.push_back(embedding.embedding.at(i, 0));
        scatter.y.push_back(embedding.embedding.at(i, 1));
        scatter.label.push_back(document["labels"][i].get<int>());
      }
      section.blocks.push_back(ReportFigure{fmt::format("{}-tsne-{}", info.name, member),
                                            class_scatter(scatter, ClassScatterOptions{.title = fmt::format("t-SNE of hidden layer 0, member {}", member)}),
                                            fmt::format("Exact t-SNE (perplexity 30) of the first hidden layer's activations on {} test examples, coloured by class.", points.rows)});
    }
  }
}

}  // namespace

ReportContent run_report_content(const RunStore& store, std::span<const RunId> runs) {
  ReportContent content;
  std::vector<Series> comparison;
  Table overview{.caption = "Runs", .header = {"run", "name", "status", "members", "final train loss (median)", "final train accuracy (median)"}};
  for (const RunId id : runs) {
    const RunRecord record = store.get_run(id);
    const RunInfo& info = record.info;
    const json summary = info.summary_json.empty() ? json::object() : json::parse(info.summary_json, nullptr, false);
    const auto trials = trials_of(summary);
    const auto metrics = store.list_metrics(id);
    if (content.title.empty()) {
      content.title = runs.size() == 1 ? fmt::format("{} — run {}", info.name, id) : "Comparison of runs";
      content.subtitle = fmt::format("{} · started {} · {}", info.config_path, info.started_at, to_string(info.status));
    }
    ReportSection section{.heading = runs.size() == 1 ? "Summary" : fmt::format("Run {}: {}", id, info.name), .blocks = {}};
    std::string text = fmt::format("{} member(s) in {} population(s).", record.members.size(), record.populations.size());
    for (const auto& population : record.populations) text += fmt::format(" Population {}: {}.", population.population, population.description);
    if (summary.contains("seconds")) text += fmt::format(" Trained in {:.2f} s.", summary.value("seconds", 0.0));
    section.blocks.push_back(Paragraph{text});
    add_success(section, info, trials);
    add_curves(section, store, info, trials, metrics, record.members.size());
    add_sweep_charts(section, store, info, trials, summary);
    add_weights(section, store, info, summary);
    add_test_pictures(section, store, info);
    content.sections.push_back(std::move(section));
    ReportSection diagnostics{.heading = runs.size() == 1 ? "Per-layer diagnostics" : fmt::format("Run {}: per-layer diagnostics", id), .blocks = {}};
    add_layer_diagnostics(diagnostics, store, info, trials, metrics);
    add_histograms(diagnostics, store, info);
    if (!diagnostics.blocks.empty()) content.sections.push_back(std::move(diagnostics));
    content.sections.push_back(ReportSection{.heading = runs.size() == 1 ? "Configuration" : fmt::format("Run {}: configuration", id),
                                             .blocks = {Preformatted{info.resolved_config}}});
    if (runs.size() > 1) {
      std::vector<Index> everyone;
      for (const auto& member : record.members) everyone.push_back(member.member);
      const Band band = band_of(store, id, everyone, "train_loss", fmt::format("run {}: {}", id, info.name), static_cast<int>(comparison.size()));
      comparison.push_back(Series{band.name, band.x, band.mid, band.color, false});
      const json& aggregate = summary.contains("aggregate") ? summary["aggregate"] : json::object();
      const auto median = [&](const char* key) {
        return aggregate.contains(key) && aggregate[key].is_object() ? fmt::format("{:.4f}", aggregate[key].value("median", 0.0)) : std::string("-");
      };
      overview.rows.push_back({std::to_string(id), info.name, std::string(to_string(info.status)), std::to_string(record.members.size()),
                               median("train_loss"), median("train_accuracy")});
    }
  }
  if (runs.size() > 1) {
    ReportSection compare{.heading = "Side by side", .blocks = {}};
    compare.blocks.push_back(std::move(overview));
    compare.blocks.push_back(ReportFigure{"comparison-train-loss",
                                          line_chart(comparison, LineChartOptions{.title = "train loss (median over members)", .x_label = "epoch",
                                                                                  .y_label = "train loss", .x_scale = ScaleKind::linear, .y_scale = ScaleKind::log}),
                                          "Median train loss of each run."});
    content.sections.insert(content.sections.begin(), std::move(compare));
  }
  return content;
}

std::filesystem::path write_run_report(const RunStore& store, std::span<const RunId> runs, const std::filesystem::path& directory) {
  return write_report(directory, run_report_content(store, runs));
}

}  // namespace nnlab
