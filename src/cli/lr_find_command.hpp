// `nnlab lr-find FILE.yaml`: the LR range test over every member of the file's plan
// (experiment/lr_range_test.hpp); prints each trial's suggested rates, records the curves in the
// run store and draws them (PNG and SVG) with a CSV of every point into --out.
#pragma once

#include <string>
#include <vector>

namespace nnlab {

struct LrFindFlags {
  std::string experiment;
  std::vector<std::string> overrides;
  double start = 1e-7;
  double end = 10.0;
  long long steps = 100;
  std::string mode = "exp";  // exp | linear
  double smoothing = 0.98;
  double diverge = 4.0;
  std::string out = "lr-find";
  bool members = false;  // one line per member too
  int threads = 0;
  std::string store;
  bool no_store = false;
};

// The smallest --steps: fewer leave too little curve after the suggestions' trimming.
inline constexpr long long min_lr_find_steps = 10;

// Runs the test; the tables go to stdout, notes and where things were written to stderr.
// Throws InputError "--flag: reason" for a bad flag (before anything is loaded), or for a bad file.
int command_lr_find(const LrFindFlags& flags);

}  // namespace nnlab
