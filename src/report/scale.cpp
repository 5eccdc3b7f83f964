#include "report/scale.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace nnlab {

namespace {

constexpr std::array<int, 3> nice_mantissas = {1, 2, 5};
constexpr double tick_tolerance = 1e-9;  // relative slack so a tick on the boundary counts as inside
constexpr const char* minus_sign = "\u2212";

double power_of_ten(int exponent) { return std::pow(10.0, exponent); }

// k * mantissa * 10^exponent, computed so decimal ticks are the nearest doubles (3 * 0.1 would not be).
double tick_value(long long multiple, int mantissa, int exponent) {
  const auto integer = static_cast<double>(multiple * mantissa);
  return exponent >= 0 ? integer * power_of_ten(exponent) : integer / power_of_ten(-exponent);
}

std::string with_true_minus(std::string text) {
  if (!text.empty() && text.front() == '-') text.replace(0, 1, minus_sign);
  return text;
}

std::string strip_trailing_zeros(std::string text) {
  if (text.find('.') == std::string::npos) return text;
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text;
}

std::string fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

// "1.5e-6": mantissa without trailing zeros, exponent without '+' or leading zeros.
std::string scientific(double value, int significant) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*e", std::max(significant - 1, 0), value);
  const std::string text = buffer;
  const auto e = text.find('e');
  const int exponent = std::stoi(text.substr(e + 1));
  return strip_trailing_zeros(text.substr(0, e)) + "e" + std::to_string(exponent);
}

const char* superscript_digit(char digit) {
  static constexpr std::array<const char*, 10> digits = {"\u2070", "\u00b9", "\u00b2", "\u00b3", "\u2074",
                                                         "\u2075", "\u2076", "\u2077", "\u2078", "\u2079"};
  return digits[static_cast<std::size_t>(digit - '0')];
}

// "10⁻⁵", or "2×10⁻⁵" when the mantissa is not 1.
std::string power_label(int mantissa, int exponent) {
  std::string label = mantissa == 1 ? "" : std::to_string(mantissa) + "\u00d7";
  label += "10";
  if (exponent < 0) label += "\u207b";
  for (const char digit : std::to_string(std::abs(exponent))) label += superscript_digit(digit);
  return label;
}

int decade_of(double value) { return static_cast<int>(std::floor(std::log10(value) + tick_tolerance)); }

}  // namespace

bool plottable(double value, ScaleKind kind) {
  return std::isfinite(value) && (kind == ScaleKind::linear || value > 0);
}

std::vector<double> linear_ticks(double low, double high, int max_count) {
  if (!std::isfinite(low) || !std::isfinite(high) || low > high) return {};
  if (low == high || max_count < 2) return {low};
  const double span = high - low;
  // A span below the resolution of doubles at this magnitude has no useful inner ticks.
  if (span <= std::max(std::abs(low), std::abs(high)) * 1e-12) return {low, high};
  for (int exponent = static_cast<int>(std::floor(std::log10(span / max_count)));; ++exponent) {
    for (const int mantissa : nice_mantissas) {
      const double step = tick_value(1, mantissa, exponent);
      const auto first = static_cast<long long>(std::ceil(low / step - tick_tolerance));
      const auto last = static_cast<long long>(std::floor(high / step + tick_tolerance));
      if (last - first + 1 > max_count) continue;
      std::vector<double> ticks;
      for (long long multiple = first; multiple <= last; ++multiple)
        ticks.push_back(tick_value(multiple, mantissa, exponent));
      return ticks;
    }
  }
}

std::vector<double> log_ticks(double low, double high, int max_count) {
  if (!(low > 0) || !std::isfinite(high) || low > high) return {};
  const int first = static_cast<int>(std::ceil(std::log10(low) - tick_tolerance));
  const int last = static_cast<int>(std::floor(std::log10(high) + tick_tolerance));
  const int decades = last - first + 1;  // powers of ten inside the range
  std::vector<double> ticks;
  if (decades < 3) {
    // A short range: 1, 2 and 5 times each power of ten, when they are not too many.
    for (int exponent = first - 1; exponent <= last; ++exponent) {
      for (const int mantissa : nice_mantissas) {
        const double value = tick_value(1, mantissa, exponent);
        if (value >= low * (1 - tick_tolerance) && value <= high * (1 + tick_tolerance)) ticks.push_back(value);
      }
    }
    if (ticks.size() >= 2 && static_cast<int>(ticks.size()) <= std::max(max_count, 2)) return ticks;
    ticks.clear();
  }
  if (decades >= 2) {
    // Every stride-th decade, on multiples of the stride so that 10^0 = 1 stays a tick when inside.
    const int count = std::max(max_count, 2);
    const int stride = std::max(1, (decades + count - 1) / count);
    for (int exponent = first; exponent <= last; ++exponent) {
      if (exponent % stride == 0) ticks.push_back(tick_value(1, 1, exponent));
    }
    if (ticks.size() >= 2) return ticks;
    ticks.clear();
    for (int exponent = first; exponent <= last; exponent += stride) ticks.push_back(tick_value(1, 1, exponent));
    return ticks;
  }
  return linear_ticks(low, high, max_count);
}

std::string format_number(double value, int significant) {
  if (value == 0 || !std::isfinite(value)) return value == 0 ? "0" : with_true_minus(std::to_string(value));
  const double magnitude = std::abs(value);
  if (magnitude >= 1e-4 && magnitude < 1e6) {
    const int decimals = std::max(0, significant - 1 - decade_of(magnitude));
    return with_true_minus(strip_trailing_zeros(fixed(value, decimals)));
  }
  return with_true_minus(scientific(value, significant));
}

std::vector<Tick> make_ticks(double low, double high, int max_count, ScaleKind kind) {
  std::vector<Tick> ticks;
  if (kind == ScaleKind::log) {
    const std::vector<double> values = log_ticks(low, high, max_count);
    const bool extreme = std::any_of(values.begin(), values.end(), [](double v) { return v < 1e-3 || v >= 1e5; });
    for (const double value : values) {
      const int exponent = decade_of(value);
      const double mantissa = value / power_of_ten(exponent);
      const bool round_mantissa = std::abs(mantissa - std::round(mantissa)) < 1e-6;
      const std::string label = extreme && round_mantissa
                                    ? power_label(static_cast<int>(std::lround(mantissa)), exponent)
                                    : format_number(value, 4);
      ticks.push_back({value, label});
    }
    return ticks;
  }
  const std::vector<double> values = linear_ticks(low, high, max_count);
  if (values.size() < 2) {
    for (const double value : values) ticks.push_back({value, format_number(value)});
    return ticks;
  }
  // Digits follow the step: a step of m * 10^k needs max(0, -k) decimals.
  const double step = values[1] - values[0];
  const int step_decade = decade_of(step);
  double largest = 0;
  for (const double value : values) largest = std::max(largest, std::abs(value));
  const bool use_scientific = largest >= 1e6 || step_decade < -5;
  for (const double value : values) {
    std::string label;
    if (value == 0) {
      label = "0";
    } else if (use_scientific) {
      label = with_true_minus(scientific(value, std::max(1, decade_of(std::abs(value)) - step_decade + 1)));
    } else {
      label = with_true_minus(fixed(value, std::max(0, -step_decade)));
    }
    ticks.push_back({value, label});
  }
  return ticks;
}

Scale::Scale(ScaleKind kind, double low, double high) : kind_(kind), low_(low), high_(high) {
  if (!(high > low) || !plottable(low, kind) || !plottable(high, kind)) {
    throw std::invalid_argument("Scale: need low < high (and low > 0 on a log scale), got " + std::to_string(low) +
                                ".." + std::to_string(high));
  }
  transformed_low_ = transform(low);
  transformed_span_ = transform(high) - transformed_low_;
}

double Scale::transform(double value) const { return kind_ == ScaleKind::log ? std::log10(value) : value; }

double Scale::fraction(double value) const { return (transform(value) - transformed_low_) / transformed_span_; }

double Scale::value_at(double fraction) const {
  const double transformed = transformed_low_ + fraction * transformed_span_;
  return kind_ == ScaleKind::log ? std::pow(10.0, transformed) : transformed;
}

Range padded_range(double low, double high, double padding, ScaleKind kind) {
  const bool log = kind == ScaleKind::log;
  if (!(low <= high) || !plottable(low, kind) || !plottable(high, kind)) return log ? Range{1, 10} : Range{0, 1};
  if (log) {
    double log_low = std::log10(low);
    double log_high = std::log10(high);
    if (log_low == log_high) {
      log_low -= 0.5;
      log_high += 0.5;
    }
    const double margin = (log_high - log_low) * padding;
    return {std::pow(10.0, log_low - margin), std::pow(10.0, log_high + margin)};
  }
  if (low == high) {
    const double half_width = low == 0 ? 1.0 : std::abs(low) * 0.1;
    low -= half_width;
    high += half_width;
  }
  const double margin = (high - low) * padding;
  return {low - margin, high + margin};
}

}  // namespace nnlab
