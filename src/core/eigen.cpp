#include "core/eigen.hpp"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

extern "C" void dsyevd_(const char* jobz, const char* uplo, const int* n, double* a, const int* lda, double* w, double* work,
                        const int* lwork, int* iwork, const int* liwork, int* info);

namespace nnlab {

void symmetric_eigen(std::span<double> matrix, Index n, std::span<double> values) {
  if (n <= 0 || matrix.size() != static_cast<std::size_t>(n * n) || values.size() != static_cast<std::size_t>(n))
    throw std::invalid_argument("symmetric_eigen: expected an n × n matrix and n values, n = " + std::to_string(n));
  const int size = static_cast<int>(n);
  int info = 0, lwork = -1, liwork = -1, iwork_query = 0;
  double work_query = 0;
  // Row-major symmetric = column-major symmetric; column j of LAPACK's result is eigenvector j.
  dsyevd_("V", "U", &size, matrix.data(), &size, values.data(), &work_query, &lwork, &iwork_query, &liwork, &info);
  if (info != 0) throw std::runtime_error("symmetric_eigen: workspace query failed, info " + std::to_string(info));
  lwork = static_cast<int>(work_query);
  liwork = iwork_query;
  std::vector<double> work(static_cast<std::size_t>(lwork));
  std::vector<int> iwork(static_cast<std::size_t>(liwork));
  dsyevd_("V", "U", &size, matrix.data(), &size, values.data(), work.data(), &lwork, iwork.data(), &liwork, &info);
  if (info != 0) throw std::runtime_error("symmetric_eigen: dsyevd failed, info " + std::to_string(info));
  // LAPACK: ascending values, vectors in columns (= rows of our row-major buffer, transposed
  // storage). Reverse to descending and fix each vector's sign.
  const auto un = static_cast<std::size_t>(n);
  std::vector<double> vectors(un * un);
  for (std::size_t k = 0; k < un; ++k) {
    const double* column = matrix.data() + (un - 1 - k) * un;  // LAPACK column un-1-k, contiguous
    std::size_t largest = 0;
    for (std::size_t i = 1; i < un; ++i)
      if (std::abs(column[i]) > std::abs(column[largest])) largest = i;
    const double sign = column[largest] < 0 ? -1.0 : 1.0;
    for (std::size_t i = 0; i < un; ++i) vectors[k * un + i] = sign * column[i];
  }
  std::reverse(values.begin(), values.end());
  std::copy(vectors.begin(), vectors.end(), matrix.begin());
}

PrincipalComponents principal_components(std::span<const float> data, Index rows, Index features) {
  if (rows < 2 || features < 1 || data.size() != static_cast<std::size_t>(rows * features))
    throw std::invalid_argument("principal_components: expected >= 2 rows of " + std::to_string(features) + " values");
  const auto n = static_cast<std::size_t>(rows), f = static_cast<std::size_t>(features);
  PrincipalComponents pc;
  pc.mean.assign(f, 0.0);
  for (std::size_t b = 0; b < n; ++b)
    for (std::size_t i = 0; i < f; ++i) pc.mean[i] += static_cast<double>(data[b * f + i]);
  for (double& m : pc.mean) m /= static_cast<double>(n);
  std::vector<double> centred(n * f);
  for (std::size_t b = 0; b < n; ++b)
    for (std::size_t i = 0; i < f; ++i) centred[b * f + i] = static_cast<double>(data[b * f + i]) - pc.mean[i];
  pc.vectors.assign(f * f, 0.0);  // the upper triangle of Xcᵀ Xc / (n − 1)
  cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, static_cast<blasint>(f), static_cast<blasint>(n), 1.0 / static_cast<double>(n - 1),
              centred.data(), static_cast<blasint>(f), 0.0, pc.vectors.data(), static_cast<blasint>(f));
  for (std::size_t i = 0; i < f; ++i)  // mirror into the lower triangle: symmetric_eigen reads either
    for (std::size_t j = 0; j < i; ++j) pc.vectors[i * f + j] = pc.vectors[j * f + i];
  pc.variances.resize(f);
  symmetric_eigen(pc.vectors, features, pc.variances);
  return pc;
}

}  // namespace nnlab
