// Axis scales: mapping data values to positions, "nice" tick positions (1-2-5 steps, decades on
// log axes) and their labels.
#pragma once

#include <string>
#include <vector>

namespace nnlab {

enum class ScaleKind { linear, log };

struct Tick {
  double value = 0.0;
  std::string label;
};

// Evenly spaced ticks at multiples of a step m * 10^k, m in {1, 2, 5}: the finest such step that
// gives at most `max_count` ticks inside [low, high]. 0..1 with 6 -> 0, 0.2, 0.4, 0.6, 0.8, 1.
std::vector<double> linear_ticks(double low, double high, int max_count);

// Ticks on a log axis (0 < low < high), at most `max_count`: with three or more powers of ten inside
// the range, those decades (every n-th when too many): 1e-3..10 -> 0.001, 0.01, 0.1, 1, 10; with fewer,
// 1, 2 and 5 times the powers of ten (0.05..3 -> 0.05, 0.1, 0.2, 0.5, 1, 2); failing that, linear ticks.
std::vector<double> log_ticks(double low, double high, int max_count);

// Ticks with labels that show just enough digits to tell neighbours apart (and a true minus sign).
std::vector<Tick> make_ticks(double low, double high, int max_count, ScaleKind kind);

// Formats one number compactly ("0.25", "1e-6", "1500"), `significant` digits at most.
std::string format_number(double value, int significant = 4);

// True for values a scale can show: finite, and positive on a log scale.
bool plottable(double value, ScaleKind kind);

// A data interval [low, high] mapped to [0, 1]; on a log scale the mapping is linear in log10.
class Scale {
 public:
  Scale(ScaleKind kind, double low, double high);

  double fraction(double value) const;  // 0 at low, 1 at high; may lie outside [0, 1]
  double value_at(double fraction) const;
  ScaleKind kind() const { return kind_; }
  double low() const { return low_; }
  double high() const { return high_; }

 private:
  double transform(double value) const;

  ScaleKind kind_;
  double low_;
  double high_;
  double transformed_low_;
  double transformed_span_;
};

// The range a scale should show for data in [low, high]: widened by `padding` times its span on each
// side (in log10 space on log scales), and made non-degenerate when low == high or there is no data
// (low > high: returns 0..1, or 1..10 on log scales).
struct Range {
  double low = 0.0;
  double high = 1.0;
};
Range padded_range(double low, double high, double padding, ScaleKind kind);

}  // namespace nnlab
