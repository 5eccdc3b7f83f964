#include "report/report.hpp"

#include <cctype>
#include <fstream>
#include <set>
#include <string_view>

#include "core/error.hpp"
#include "report/render.hpp"

namespace nnlab {

namespace {

namespace fs = std::filesystem;

// Readable on screens and in print; figures scale down on narrow windows.
constexpr std::string_view stylesheet = R"css(
:root { color-scheme: light; }
body { margin: 0; background: #f6f6f4; color: #222; font: 16px/1.5 "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; }
main { max-width: 880px; margin: 0 auto; padding: 24px 32px 48px; background: #fff; }
h1 { font-size: 1.8em; margin: 0.4em 0 0.1em; }
h2 { font-size: 1.35em; margin: 1.6em 0 0.6em; padding-bottom: 0.2em; border-bottom: 1px solid #ddd; }
.subtitle { color: #555; margin-top: 0; }
nav ol { padding-left: 1.4em; }
a { color: #0072b2; }
figure { margin: 1.2em 0; }
figure img { display: block; max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #444; font-size: 0.92em; margin-top: 0.4em; }
figcaption .files { white-space: nowrap; color: #777; }
pre { background: #f4f4f4; border: 1px solid #e2e2e2; padding: 10px 12px; overflow-x: auto; font-size: 0.85em; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.92em; }
caption { caption-side: top; text-align: left; font-weight: bold; padding-bottom: 0.4em; }
th, td { padding: 4px 12px; border-bottom: 1px solid #e4e4e4; text-align: left; }
thead th { border-bottom: 2px solid #bbb; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.note { border-left: 4px solid #d55e00; background: #fdf1e8; padding: 4px 12px; margin: 1em 0; }
footer { margin-top: 3em; color: #888; font-size: 0.85em; }
)css";

std::string paragraphs(const std::string& text) {
  // Blank lines separate paragraphs; single newlines stay inside one.
  std::string html;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find("\n\n", start);
    if (end == std::string::npos) end = text.size();
    const std::string_view block = std::string_view(text).substr(start, end - start);
    if (block.find_first_not_of(" \n\t\r") != std::string_view::npos) html += "<p>" + html_escape(block) + "</p>\n";
    start = end + 2;
  }
  return html;
}

struct BlockWriter {
  const fs::path& directory;
  double pixel_ratio;
  std::set<std::string>& used_stems;
  std::string& html;

  void operator()(const Paragraph& paragraph) const { html += paragraphs(paragraph.text); }
  void operator()(const Preformatted& block) const { html += "<pre>" + html_escape(block.text) + "</pre>\n"; }
  void operator()(const Table& table) const { html += html_table(table); }
  void operator()(const Note& note) const { html += "<div class=\"note\" role=\"note\">\n" + paragraphs(note.text) + "</div>\n"; }

  void operator()(const ReportFigure& item) const {
    // Unique, file-safe names: a second "loss" becomes "loss-2".
    const std::string base = file_stem(item.name);
    std::string stem = base;
    for (int suffix = 2; used_stems.contains(stem); ++suffix) stem = base + "-" + std::to_string(suffix);
    used_stems.insert(stem);
    const std::string png = stem + ".png";
    const std::string svg = stem + ".svg";
    save_png(item.figure, directory / png, pixel_ratio);
    save_svg(item.figure, directory / svg);
    const std::string alt = html_escape(item.caption.empty() ? stem : item.caption);
    html += "<figure id=\"figure-" + stem + "\">\n<a href=\"" + svg + "\"><img src=\"" + png + "\" width=\"" +
            std::to_string(item.figure.width) + "\" height=\"" + std::to_string(item.figure.height) + "\" alt=\"" +
            alt + "\"></a>\n<figcaption>" + html_escape(item.caption) + " <span class=\"files\">(<a href=\"" + svg +
            "\">SVG</a>, <a href=\"" + png + "\">PNG</a>)</span></figcaption>\n</figure>\n";
  }
};

}  // namespace

std::string file_stem(const std::string& name) {
  std::string stem;
  for (const char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    stem += std::isalnum(byte) || c == '-' || c == '_' ? c : '-';
  }
  return stem.empty() ? "figure" : stem;
}

fs::path write_report(const fs::path& directory, const ReportContent& content) {
  std::error_code error;
  fs::create_directories(directory, error);
  if (error || !fs::is_directory(directory)) {
    throw InputError(directory.string() + ": cannot create the report directory" +
                     (error ? ": " + error.message() : ""));
  }
  const std::string title = content.title.empty() ? "nnlab report" : content.title;
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
      html_escape(title) + "</title>\n<style>" + std::string(stylesheet) + "</style>\n</head>\n<body>\n<main>\n";
  html += "<h1>" + html_escape(title) + "</h1>\n";
  if (!content.subtitle.empty()) html += "<p class=\"subtitle\">" + html_escape(content.subtitle) + "</p>\n";
  if (content.sections.size() > 1) {
    html += "<nav><ol>\n";
    for (std::size_t i = 0; i < content.sections.size(); ++i) {
      html += "<li><a href=\"#section-" + std::to_string(i + 1) + "\">" + html_escape(content.sections[i].heading) +
              "</a></li>\n";
    }
    html += "</ol></nav>\n";
  }
  std::set<std::string> used_stems{"index"};  // a figure called "index" must not clash with index.html's siblings
  for (std::size_t i = 0; i < content.sections.size(); ++i) {
    const ReportSection& section = content.sections[i];
    html += "<section id=\"section-" + std::to_string(i + 1) + "\">\n";
    if (!section.heading.empty()) html += "<h2>" + html_escape(section.heading) + "</h2>\n";
    const BlockWriter writer{directory, content.pixel_ratio, used_stems, html};
    for (const ReportBlock& block : section.blocks) std::visit(writer, block);
    html += "</section>\n";
  }
  html += "<footer>Made by nnlab.</footer>\n</main>\n</body>\n</html>\n";

  const fs::path index = directory / "index.html";
  std::ofstream file(index, std::ios::binary | std::ios::trunc);
  file << html;
  file.close();
  if (!file) throw InputError(index.string() + ": cannot write the report page");
  return index;
}

}  // namespace nnlab
