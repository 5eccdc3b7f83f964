#include "train/held_out_metrics.hpp"

#include "train/accuracy.hpp"
#include "train/evaluate.hpp"

namespace nnlab {

void HeldOutMetricsHook::on_epoch_end(TrainingContext& ctx, std::int64_t epoch, bool /*last*/) {
  const std::size_t members = ctx.member_count();
  if (ctx.data.validation) {
    const Evaluation validation = evaluate(ctx.model, ctx.loss, *ctx.data.validation, ctx.validation_targets, {.buffers = &buffers_});
    for (std::size_t m = 0; m < members; ++m) {
      ctx.state.current[m].validation_loss = validation.loss[m];
      ctx.state.current[m].validation_accuracy = validation.accuracy[m];
    }
  }
  if (ctx.data.test) {
    const Evaluation test = evaluate(ctx.model, ctx.loss, *ctx.data.test, ctx.test_targets, {.buffers = &buffers_});
    const bool per_class = test.classes > 0 && ctx.logged(epoch);
    for (std::size_t m = 0; m < members; ++m) {
      EpochMetrics& metrics = ctx.state.current[m];
      metrics.test_loss = test.loss[m];
      metrics.test_accuracy = test.accuracy[m];
      if (per_class) {
        class_accuracies(test.class_correct, test.class_totals, test.classes, static_cast<Index>(m), metrics.test_class_accuracy);
      } else {
        metrics.test_class_accuracy.clear();
      }
    }
  }
}

}  // namespace nnlab
