// The report of stored runs: curves with seed bands, sweep charts, success tables, outcome
// histograms, per-layer diagnostics and learned weights, read from the run store.
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
