#include "experiment/result_codec.hpp"

#include <fmt/format.h>

#include <bit>

#include "core/error.hpp"
#include "experiment/record_json.hpp"

namespace nnlab {
namespace {

using nlohmann::json;

std::uint64_t bits(double value) { return std::bit_cast<std::uint64_t>(value); }
double real(const json& value) { return std::bit_cast<double>(value.get<std::uint64_t>()); }


json encode_result(const MemberResult& r) {
  json out = {{"epochs_run", r.epochs_run}, {"diverged", r.diverged}, {"diverged_epoch", r.diverged_epoch},
              {"successful_at_end", r.successful_at_end}, {"final", encode_epoch_metrics(r.final_metrics)}};
  if (r.success_epoch) out["success_epoch"] = *r.success_epoch;
  json history = json::array();
  for (const EpochMetrics& metrics : r.history) history.push_back(encode_epoch_metrics(metrics));
  out["history"] = std::move(history);
  if (const auto& e = r.early_stop)
    out["early_stop"] = {static_cast<int>(e->monitor), e->best_epoch, bits(e->best_value), e->stopped_epoch, bits(e->stopped_value), e->restored};
  if (const auto& s = r.snapshot_ensemble)
    out["snapshot_ensemble"] = {s->on_test, s->cycles, s->steps, encode_bit_doubles(s->single_accuracy), encode_bit_doubles(s->ensemble_accuracy)};
  if (const auto& p = r.prune) out["prune"] = {p->control, p->round_epochs, p->layers, encode_member_prune_rounds({p->rounds})};
  if (const auto& a = r.adversarial)
    out["adversarial"] = {a->on_test, encode_bit_doubles(a->eps), encode_bit_doubles(a->accuracy), encode_bit_doubles(a->confidence),
                          a->steps, bits(a->step_size), bits(a->clip_low), bits(a->clip_high)};
  return out;
}

MemberResult decode_result(const json& in) {
  MemberResult r;
  r.epochs_run = in.at("epochs_run").get<std::int64_t>();
  r.diverged = in.at("diverged").get<bool>();
  r.diverged_epoch = in.at("diverged_epoch").get<std::int64_t>();
  r.successful_at_end = in.at("successful_at_end").get<bool>();
  r.final_metrics = decode_epoch_metrics(in.at("final"));
  if (in.contains("success_epoch")) r.success_epoch = in.at("success_epoch").get<std::int64_t>();
  for (const json& metrics : in.at("history")) r.history.push_back(decode_epoch_metrics(metrics));
  if (in.contains("early_stop")) {
    const json& e = in.at("early_stop");
    r.early_stop = EarlyStopOutcome{.monitor = static_cast<MonitorKind>(e.at(0).get<int>()), .best_epoch = e.at(1).get<std::int64_t>(),
                                    .best_value = real(e.at(2)), .stopped_epoch = e.at(3).get<std::int64_t>(), .stopped_value = real(e.at(4)),
                                    .restored = e.at(5).get<bool>()};
  }
  if (in.contains("snapshot_ensemble")) {
    const json& s = in.at("snapshot_ensemble");
    r.snapshot_ensemble = SnapshotEnsembleOutcome{.on_test = s.at(0).get<bool>(), .cycles = s.at(1).get<std::int64_t>(),
                                                  .steps = s.at(2).get<std::vector<std::int64_t>>(), .single_accuracy = decode_bit_doubles(s.at(3)),
                                                  .ensemble_accuracy = decode_bit_doubles(s.at(4))};
  }
  if (in.contains("prune")) {
    const json& p = in.at("prune");
    std::vector<std::vector<PruneRound>> rounds = decode_member_prune_rounds(p.at(3));
    r.prune = PruneOutcome{.control = p.at(0).get<bool>(), .round_epochs = p.at(1).get<std::int64_t>(),
                           .layers = p.at(2).get<std::vector<std::string>>(), .rounds = rounds.empty() ? std::vector<PruneRound>{} : rounds.front()};
  }
  if (in.contains("adversarial")) {
    const json& a = in.at("adversarial");
    r.adversarial = AdversarialOutcome{.on_test = a.at(0).get<bool>(), .eps = decode_bit_doubles(a.at(1)), .accuracy = decode_bit_doubles(a.at(2)),
                                       .confidence = decode_bit_doubles(a.at(3)), .steps = a.at(4).get<std::int64_t>(),
                                       .step_size = real(a.at(5)), .clip_low = real(a.at(6)), .clip_high = real(a.at(7))};
  }
  return r;
}

}  // namespace

std::string encode_member_summaries(std::span<const MemberSummary> members) {
  json out = json::array();
  for (const MemberSummary& m : members) {
    json hyper = json::array();
    for (const auto& [key, value] : m.hyperparameters) hyper.push_back({key, bits(value)});
    json init = json::array();
    for (const DataInitLayer& layer : m.data_init)
      init.push_back({layer.layer, static_cast<int>(layer.kind), bits(layer.variance_before), bits(layer.variance_after), layer.rescalings});
    json entry = {{"member", m.member}, {"trial", m.trial}, {"population", m.population}, {"seed", m.seed},
                  {"hyperparameters", hyper}, {"result", encode_result(m.result)}, {"data_init", init}};
    if (const auto& s = m.solution)
      entry["solution"] = {s->mirrored, s->ratio_1_2_4, s->hidden_opposite, s->hidden_biases_negative, s->output_bias_positive};
    out.push_back(std::move(entry));
  }
  return out.dump();
}

std::vector<MemberSummary> decode_member_summaries(std::string_view bytes, const std::string& where) {
  try {
    std::vector<MemberSummary> members;
    for (const json& entry : json::parse(bytes)) {
      MemberSummary m;
      m.member = entry.at("member").get<Index>();
      m.trial = entry.at("trial").get<Index>();
      m.population = entry.at("population").get<Index>();
      m.seed = entry.at("seed").get<std::uint64_t>();
      for (const json& pair : entry.at("hyperparameters")) m.hyperparameters.emplace_back(pair.at(0).get<std::string>(), real(pair.at(1)));
      m.result = decode_result(entry.at("result"));
      for (const json& layer : entry.at("data_init"))
        m.data_init.push_back(DataInitLayer{.layer = layer.at(0).get<int>(), .kind = static_cast<InitKind>(layer.at(1).get<int>()),
                                            .variance_before = real(layer.at(2)), .variance_after = real(layer.at(3)),
                                            .rescalings = layer.at(4).get<std::int64_t>()});
      if (entry.contains("solution")) {
        const json& s = entry.at("solution");
        m.solution = MirrorSolution{.mirrored = s.at(0).get<bool>(), .ratio_1_2_4 = s.at(1).get<bool>(), .hidden_opposite = s.at(2).get<bool>(),
                                    .hidden_biases_negative = s.at(3).get<bool>(), .output_bias_positive = s.at(4).get<bool>()};
      }
      members.push_back(std::move(m));
    }
    return members;
  } catch (const json::exception& error) {
    throw InputError(fmt::format("{}: malformed member results: {}", where, error.what()));
  } catch (const std::invalid_argument& error) {
    throw InputError(fmt::format("{}: malformed member results: {}", where, error.what()));
  }
}

}  // namespace nnlab
