#include "nn/init.hpp"

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/rng.hpp"

namespace nnlab {
namespace {

void fill_uniform(CounterRng& rng, double low, double high, std::span<double> values) {
  for (double& value : values) value = rng.uniform(low, high);
}

void fill_normal(CounterRng& rng, double mean, double std, std::span<double> values) {
  for (double& value : values) value = mean + std * rng.normal();
}

// The reduced QR factor Q of a tall matrix a [rows, cols] (rows >= cols), column-major in
// `columns`, by modified Gram–Schmidt applied twice ("twice is enough", Giraud et al. 2005)
// for orthogonality to working precision. Gram–Schmidt makes diag(R) > 0, which is exactly
// torch's normalisation Q · sign(diag(R)), so the result is the Q torch.nn.init.orthogonal_ gives.
void orthonormalise_columns(std::vector<std::vector<double>>& columns) {
  for (std::size_t j = 0; j < columns.size(); ++j) {
    std::vector<double>& v = columns[j];
    for (int pass = 0; pass < 2; ++pass) {
      for (std::size_t k = 0; k < j; ++k) {
        // v -= (q_k · v) q_k
        double dot = 0.0;
        for (std::size_t i = 0; i < v.size(); ++i) dot += columns[k][i] * v[i];
        for (std::size_t i = 0; i < v.size(); ++i) v[i] -= dot * columns[k][i];
      }
    }
    double norm = 0.0;
    for (const double x : v) norm += x * x;
    norm = std::sqrt(norm);
    if (!(norm > 0.0)) throw std::runtime_error("orthogonal init: rank-deficient Gaussian matrix");
    for (double& x : v) x /= norm;
  }
}

// torch.nn.init.orthogonal_: draw a Gaussian [rows, cols] (row-major), transpose it when
// rows < cols so that it is tall, take Q of its QR, transpose back, times gain.
void fill_orthogonal(CounterRng& rng, double gain, Index rows, Index cols, std::span<double> values) {
  std::vector<double> gaussian(static_cast<std::size_t>(rows * cols));
  fill_normal(rng, 0.0, 1.0, gaussian);
  const bool wide = rows < cols;
  const Index tall_rows = wide ? cols : rows, tall_cols = wide ? rows : cols;
  // Columns of the tall matrix: column j of the transpose is row j of the original.
  std::vector<std::vector<double>> columns(static_cast<std::size_t>(tall_cols),
                                           std::vector<double>(static_cast<std::size_t>(tall_rows)));
  for (Index r = 0; r < rows; ++r)
    for (Index c = 0; c < cols; ++c) {
      const double value = gaussian[static_cast<std::size_t>(r * cols + c)];
      if (wide)
        columns[static_cast<std::size_t>(r)][static_cast<std::size_t>(c)] = value;
      else
        columns[static_cast<std::size_t>(c)][static_cast<std::size_t>(r)] = value;
    }
  orthonormalise_columns(columns);
  for (Index r = 0; r < rows; ++r)
    for (Index c = 0; c < cols; ++c) {
      const double q = wide ? columns[static_cast<std::size_t>(r)][static_cast<std::size_t>(c)]
                            : columns[static_cast<std::size_t>(c)][static_cast<std::size_t>(r)];
      values[static_cast<std::size_t>(r * cols + c)] = gain * q;
    }
}

// Fills `values` per spec; rows/cols give the weight's shape (fan_out, fan_in). A convolution's
// fans are PyTorch's: fan_in = C_in·kh·kw (its rows' length), fan_out = C_out·kh·kw
// (fan_out · receptive_field), which only the Xavier kinds read.
void fill(const InitSpec& spec, CounterRng& rng, Index fan_out, Index fan_in, bool is_bias, std::span<double> values,
          Index receptive_field = 1) {
  if (fan_in <= 0 || fan_out <= 0)
    throw std::invalid_argument("init: fan_in and fan_out must be > 0, got " + std::to_string(fan_in) + ", " +
                                std::to_string(fan_out));
  const auto in = static_cast<double>(fan_in), out = static_cast<double>(fan_out * receptive_field);
  switch (spec.kind) {
    case InitKind::torch_default: {
      const double bound = 1.0 / std::sqrt(in);
      return fill_uniform(rng, -bound, bound, values);
    }
    case InitKind::zeros:
      for (double& value : values) value = 0.0;
      return;
    case InitKind::constant:
      for (double& value : values) value = spec.value;
      return;
    case InitKind::uniform:
      if (!(spec.low <= spec.high))
        throw std::invalid_argument("init uniform: low must be <= high, got [" + std::to_string(spec.low) + ", " +
                                    std::to_string(spec.high) + "]");
      return fill_uniform(rng, spec.low, spec.high, values);
    case InitKind::normal:
      if (!(spec.std >= 0.0))
        throw std::invalid_argument("init normal: std must be >= 0, got " + std::to_string(spec.std));
      return fill_normal(rng, spec.mean, spec.std, values);
    case InitKind::xavier_uniform:
      return fill_uniform(rng, -spec.gain * std::sqrt(6.0 / (in + out)), spec.gain * std::sqrt(6.0 / (in + out)),
                          values);
    case InitKind::xavier_normal: return fill_normal(rng, 0.0, spec.gain * std::sqrt(2.0 / (in + out)), values);
    // Kaiming with the ReLU gain √2 folded in: std = √(2 / fan_in), bound = √3 · std = √(6 / fan_in).
    case InitKind::he_uniform:
      return fill_uniform(rng, -spec.gain * std::sqrt(6.0 / in), spec.gain * std::sqrt(6.0 / in), values);
    case InitKind::he_normal: return fill_normal(rng, 0.0, spec.gain * std::sqrt(2.0 / in), values);
    case InitKind::lecun_uniform:
      return fill_uniform(rng, -spec.gain * std::sqrt(3.0 / in), spec.gain * std::sqrt(3.0 / in), values);
    case InitKind::lecun_normal: return fill_normal(rng, 0.0, spec.gain * std::sqrt(1.0 / in), values);
    case InitKind::orthogonal:
      if (is_bias)
        throw std::invalid_argument("init: orthogonal initialisation needs a matrix; it cannot initialise a bias");
      return fill_orthogonal(rng, spec.gain, fan_out, fan_in, values);
    case InitKind::lsuv:
    case InitKind::pca:  // the orthonormal start; train/data_init.cpp completes it from data
      if (is_bias) throw std::invalid_argument("init: lsuv and pca initialise weights from data, not a bias");
      return fill_orthogonal(rng, 1.0, fan_out, fan_in, values);
  }
  throw std::invalid_argument("init: unknown kind");
}

template <typename T>
void store(std::span<const double> values, std::span<T> target) {
  for (std::size_t i = 0; i < values.size(); ++i) target[i] = static_cast<T>(values[i]);
}

}  // namespace

template <typename T>
void init_weight(const InitSpec& spec, std::uint64_t seed, int layer_index, Index fan_out, Index fan_in,
                 std::span<T> weight, Index receptive_field) {
  if (static_cast<Index>(weight.size()) != fan_out * fan_in)
    throw std::invalid_argument("init_weight: " + std::to_string(weight.size()) + " values for [" +
                                std::to_string(fan_out) + ", " + std::to_string(fan_in) + "]");
  CounterRng rng(seed, RngPurpose::init, static_cast<std::uint32_t>(layer_index), 0);
  std::vector<double> values(weight.size());
  fill(spec, rng, fan_out, fan_in, false, values, receptive_field);
  store<T>(values, weight);
}

template <typename T>
void init_bias(const InitSpec& spec, std::uint64_t seed, int layer_index, Index fan_out, Index fan_in,
               std::span<T> bias) {
  if (static_cast<Index>(bias.size()) != fan_out)
    throw std::invalid_argument("init_bias: " + std::to_string(bias.size()) + " values for [" +
                                std::to_string(fan_out) + "]");
  CounterRng rng(seed, RngPurpose::init, static_cast<std::uint32_t>(layer_index), 1);
  std::vector<double> values(bias.size());
  fill(spec, rng, fan_out, fan_in, true, values);
  store<T>(values, bias);
}

template void init_weight<float>(const InitSpec&, std::uint64_t, int, Index, Index, std::span<float>, Index);
template void init_weight<double>(const InitSpec&, std::uint64_t, int, Index, Index, std::span<double>, Index);
template void init_bias<float>(const InitSpec&, std::uint64_t, int, Index, Index, std::span<float>);
template void init_bias<double>(const InitSpec&, std::uint64_t, int, Index, Index, std::span<double>);

}  // namespace nnlab
