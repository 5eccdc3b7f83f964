// The run report's figures about classes, one per trial: the test-set confusion matrix and the
// t-SNE map of a hidden layer for the member the runner stored them for (the trial's median member
// by final train loss), and each class's accuracy over epochs (median over the trial's members),
// where forgetting in sorted-label training shows. Class names when the data set is known.
// Internal to the run report.
#pragma once

#include "report/report.hpp"
#include "report/trial_groups.hpp"

namespace nnlab {

void add_confusion_and_tsne(ReportSection& section, const RunView& view);
void add_class_accuracy(ReportSection& section, const RunView& view);

}  // namespace nnlab
