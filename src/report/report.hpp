// The HTML report: a folder holding a self-contained index.html (inline CSS, no scripts, nothing
// fetched from the network) and every figure as PNG (shown in the page) and SVG (linked).
#pragma once

#include <filesystem>
#include <string>
#include <variant>
#include <vector>

#include "report/figure.hpp"
#include "report/html.hpp"

namespace nnlab {

struct Paragraph {
  std::string text;  // plain text; escaped, blank lines start new paragraphs
};

struct Preformatted {
  std::string text;  // shown verbatim in a monospace block: a resolved config, a command line
};

struct Note {
  std::string text;  // plain text, shown in a highlighted box: something the page had to leave out
};

struct ReportFigure {
  std::string name;  // file stem: "<name>.png" and "<name>.svg"; made file-safe and unique
  Figure figure;
  std::string caption;
};

using ReportBlock = std::variant<Paragraph, Preformatted, ReportFigure, Table, Note>;

struct ReportSection {
  std::string heading;
  std::vector<ReportBlock> blocks;
};

struct ReportContent {
  std::string title;
  std::string subtitle;  // e.g. the experiment file and the date
  std::vector<ReportSection> sections;
  double pixel_ratio = 1.0;  // > 1: sharper PNGs for high-density screens, shown at the figure's size
};

// Creates `directory` if needed and writes index.html plus each figure's PNG and SVG into it,
// replacing files of the same names. Returns the path of index.html.
// A directory or file that cannot be written -> InputError "<path>: <reason>".
std::filesystem::path write_report(const std::filesystem::path& directory, const ReportContent& content);

// The file stem a figure name becomes: letters, digits, '-' and '_' kept, anything else '-', never empty.
std::string file_stem(const std::string& name);

}  // namespace nnlab
