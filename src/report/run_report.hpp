// The report of stored runs, read from the run store and grouped by trial: curves per trial
// coloured by the swept value, train vs validation loss and their gap, final metrics against the
// swept value, success tables and fraction-solved curves, per-layer diagnostics and activations
// across depth per trial, and each trial's confusion matrix, t-SNE map, class accuracies and weight
// pictures (learning_curves, gap_figures, success_figures, layer_figures, depth_figures,
// class_figures, weight_figures, histogram_figures). Several runs add a side-by-side section and
// name the run in every caption.
#pragma once

#include <filesystem>
#include <span>

#include "report/report.hpp"
#include "store/store.hpp"

namespace nnlab {

// Everything the report shows for these runs (several runs add a comparison section).
ReportContent run_report_content(const RunStore& store, std::span<const RunId> runs);

// Writes `directory`/index.html with every figure as PNG and SVG; returns the HTML's path.
std::filesystem::path write_run_report(const RunStore& store, std::span<const RunId> runs, const std::filesystem::path& directory);

}  // namespace nnlab
