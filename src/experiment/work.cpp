#include "experiment/work.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace nnlab {

std::vector<WorkItem> whole_populations(std::span<const PopulationWork> populations) {
  std::vector<WorkItem> items;
  for (std::size_t p = 0; p < populations.size(); ++p) {
    const PopulationWork& population = populations[p];
    items.push_back(WorkItem{.population = static_cast<Index>(p), .begin = 0, .end = population.members, .members = population.members,
                             .cost = population.cost_per_member * static_cast<double>(population.members)});
  }
  return items;
}

std::vector<WorkItem> cut_work(std::span<const PopulationWork> populations, int ranks) {
  std::vector<WorkItem> whole = whole_populations(populations);
  if (ranks <= 1) return whole;
  double total = 0.0;
  for (const WorkItem& item : whole) total += item.cost;
  const double share = total / ranks;
  std::vector<WorkItem> items;
  for (const WorkItem& item : whole) {
    const PopulationWork& population = populations[static_cast<std::size_t>(item.population)];
    Index pieces = 1;
    if (population.cuttable && share > 0.0 && item.cost > share)
      pieces = std::min<Index>(item.members, static_cast<Index>(std::ceil(item.cost / share - 1e-9)));
    for (Index k = 0; k < pieces; ++k) {
      const Index begin = item.members * k / pieces, end = item.members * (k + 1) / pieces;
      items.push_back(WorkItem{.population = item.population, .begin = begin, .end = end, .members = item.members,
                               .cost = population.cost_per_member * static_cast<double>(end - begin)});
    }
  }
  return items;
}

ArtefactLabel work_label() { return ArtefactLabel{.member = std::nullopt, .kind = "source", .name = "work", .epoch = std::nullopt}; }

std::vector<std::byte> encode_work(std::span<const WorkItem> items) {
  nlohmann::json document = nlohmann::json::array();
  for (const WorkItem& item : items) document.push_back({item.population, item.begin, item.end});
  return text_bytes(document.dump());
}

std::vector<WorkItem> decode_work(std::span<const std::byte> bytes, std::span<const PopulationWork> populations, const std::string& where) {
  const auto damaged = [&](const std::string& why) { return InputError(fmt::format("{}: the run's work cut (source/work) {}", where, why)); };
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(bytes_text(bytes));
  } catch (const nlohmann::json::exception&) {
    throw damaged("is not JSON");
  }
  if (!document.is_array()) throw damaged("is not a list");
  std::vector<WorkItem> items;
  Index population = 0, next = 0;  // the next member expected
  for (const nlohmann::json& entry : document) {
    if (!entry.is_array() || entry.size() != 3 || !entry[0].is_number_integer() || !entry[1].is_number_integer() || !entry[2].is_number_integer())
      throw damaged("holds an entry that is not [population, begin, end]");
    const Index p = entry[0].get<Index>(), begin = entry[1].get<Index>(), end = entry[2].get<Index>();
    if (p == population + 1 && next == populations[static_cast<std::size_t>(population)].members) {
      population = p;
      next = 0;
    }
    if (p != population || static_cast<std::size_t>(p) >= populations.size() || begin != next || end <= begin ||
        end > populations[static_cast<std::size_t>(p)].members)
      throw damaged(fmt::format("does not fit the plan at [{}, {}, {}]", p, begin, end));
    const PopulationWork& work = populations[static_cast<std::size_t>(p)];
    items.push_back(WorkItem{.population = p, .begin = begin, .end = end, .members = work.members,
                             .cost = work.cost_per_member * static_cast<double>(end - begin)});
    next = end;
  }
  if (populations.empty() ? !items.empty()
                          : (static_cast<std::size_t>(population) + 1 != populations.size() || next != populations.back().members))
    throw damaged("does not cover every member of the plan");
  return items;
}

}  // namespace nnlab
