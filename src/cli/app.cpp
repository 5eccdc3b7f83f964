#include "cli/app.hpp"

#include <cstdio>

namespace nnlab {
int run_cli(int, char**) {
  std::fputs("nnlab: not built yet\n", stderr);
  return 1;
}
}  // namespace nnlab
