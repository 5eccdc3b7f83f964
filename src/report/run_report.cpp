#include "report/run_report.hpp"

#include <fmt/format.h>

#include "report/augment_figures.hpp"
#include "report/class_figures.hpp"
#include "report/conv_figures.hpp"
#include "report/curve_charts.hpp"
#include "report/depth_figures.hpp"
#include "report/gap_figures.hpp"
#include "report/histogram_figures.hpp"
#include "report/layer_figures.hpp"
#include "report/learning_curves.hpp"
#include "report/lr_find_figures.hpp"
#include "report/member_bands.hpp"
#include "report/rate_curves.hpp"
#include "report/prune_figures.hpp"
#include "report/snapshot_figures.hpp"
#include "report/adversarial_figures.hpp"
#include "report/adversarial_strip.hpp"
#include "report/stopping_figures.hpp"
#include "report/success_figures.hpp"
#include "report/trial_groups.hpp"
#include "report/weight_figures.hpp"

namespace nnlab {
namespace {

using nlohmann::json;

std::string overview_text(const RunView& view) {
  const RunRecord& record = view.record;
  std::string text = fmt::format("{} member(s) in {} population(s).", record.members.size(), record.populations.size());
  for (const auto& population : record.populations) text += fmt::format(" Population {}: {}.", population.population, population.description);
  if (view.trials.size() > 1) {
    text += fmt::format(" {} trials", view.trials.size());
    if (!view.varying.empty()) text += fmt::format(" over {}", keys_title(view.varying));
    text += ".";
  }
  for (const std::string& fixed : view.constant) text += fmt::format(" {} in every trial.", fixed);
  if (view.summary.contains("seconds") && view.summary["seconds"].is_number())
    text += fmt::format(" Trained in {:.2f} s.", view.summary["seconds"].get<double>());
  return text;
}

// "Summary" for one run; "Run 3 (mirror): summary" when runs are compared.
std::string heading(const RunView& view, const std::string& what) {
  if (view.tag.empty()) return what;
  std::string lower = what;
  lower[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(lower[0])));
  return view.tag + ": " + lower;
}

std::string median_of(const json& summary, const char* key) {
  if (!summary.contains("aggregate") || !summary["aggregate"].is_object()) return "-";
  const json& aggregate = summary["aggregate"];
  if (!aggregate.contains(key) || !aggregate[key].is_object() || !aggregate[key]["median"].is_number()) return "-";
  return fmt::format("{:.4f}", aggregate[key]["median"].get<double>());
}

// Runs side by side: a table and the median train (and test) loss of each, named by id and name.
ReportSection comparison(const RunStore& store, std::span<const RunView> views) {
  ReportSection compare{.heading = "Side by side", .blocks = {}};
  Table overview{.caption = "Runs",
                 .header = {"run", "name", "status", "members", "final train loss (median)", "final test loss (median)", "final train accuracy (median)"}};
  for (const RunView& view : views)
    overview.rows.push_back({std::to_string(view.id()), view.info().name, std::string(to_string(view.info().status)),
                             std::to_string(view.record.members.size()), median_of(view.summary, "train_loss"), median_of(view.summary, "test_loss"),
                             median_of(view.summary, "train_accuracy")});
  compare.blocks.push_back(std::move(overview));
  for (const char* split : {"train", "test"}) {
    const std::string metric = fmt::format("{}_loss", split);
    std::vector<Series> series;
    for (const RunView& view : views) {
      if (!view.has_metric(metric)) continue;
      std::vector<Index> everyone;
      for (const auto& member : view.record.members) everyone.push_back(member.member);
      const Band band = band_of(store, view.id(), everyone, metric, false);
      series.push_back(Series{.name = fmt::format("run {}: {}", view.id(), view.info().name), .x = band.x, .y = band.mid,
                              .color = static_cast<int>(series.size())});
    }
    if (series.empty()) continue;
    compare.blocks.push_back(ReportFigure{fmt::format("comparison-{}-loss", split),
                                          line_chart(series, LineChartOptions{.title = fmt::format("{} loss (median over each run's members)", split),
                                                                              .x_label = "epoch", .y_label = metric, .y_scale = ScaleKind::log}),
                                          fmt::format("Median {} loss over all members of each run, runs named by id and name.", split)});
  }
  return compare;
}

}  // namespace

ReportContent run_report_content(const RunStore& store, std::span<const RunId> runs) {
  ReportContent content;
  const bool compared = runs.size() > 1;
  std::vector<RunView> views;
  for (const RunId id : runs) views.push_back(read_run_view(store, id, compared));
  for (const RunView& view : views) {
    const RunInfo& info = view.info();
    if (content.title.empty()) {
      content.title = compared ? "Comparison of runs" : fmt::format("{} — run {}", info.name, info.id);
      content.subtitle = fmt::format("{} · started {} · {}", info.config_path, info.started_at, to_string(info.status));
    }
    const std::size_t summary_at = content.sections.size();
    ReportSection summary{.heading = heading(view, "Summary"), .blocks = {Paragraph{overview_text(view)}}};
    add_success_figures(summary, view);
    add_learning_curves(summary, view);
    add_rate_curves(summary, view);
    add_lr_find_figure(summary, view);
    add_generalisation_gap(summary, view);
    add_early_stopping_figures(summary, view);
    add_snapshot_ensemble_figures(summary, view);
    add_prune_figures(summary, view);
    add_adversarial_figures(summary, view);
    add_sweep_summaries(summary, view);
    add_time_and_updates(summary, view);
    content.sections.push_back(std::move(summary));

    ReportSection inside{.heading = heading(view, "Classes and weights"), .blocks = {}};
    add_confusion_and_tsne(inside, view);
    add_class_accuracy(inside, view);
    add_weight_figures(inside, view);
    add_conv_figures(inside, view);
    add_augment_figures(inside, view);
    add_adversarial_strip(inside, view);
    if (!inside.blocks.empty()) content.sections.push_back(std::move(inside));

    ReportSection diagnostics{.heading = heading(view, "Per-layer diagnostics"), .blocks = {}};
    add_depth_figures(diagnostics, view);
    add_layer_diagnostics(diagnostics, view);
    add_histograms(diagnostics, view);
    if (!diagnostics.blocks.empty()) content.sections.push_back(std::move(diagnostics));

    content.sections.push_back(ReportSection{.heading = heading(view, "Configuration"), .blocks = {Preformatted{info.resolved_config}}});
    if (!view.skipped.empty()) {  // at the top of the run's summary, where it cannot be missed
      std::string text = fmt::format("Skipped {} damaged artefact(s); the figures drawn from them are missing.", view.skipped.size());
      for (const std::string& message : view.skipped) text += "\n\n" + message;
      auto& blocks = content.sections[summary_at].blocks;
      blocks.insert(blocks.begin(), Note{std::move(text)});
    }
  }
  if (compared) content.sections.insert(content.sections.begin(), comparison(store, views));
  return content;
}

std::filesystem::path write_run_report(const RunStore& store, std::span<const RunId> runs, const std::filesystem::path& directory) {
  return write_report(directory, run_report_content(store, runs));
}

}  // namespace nnlab
