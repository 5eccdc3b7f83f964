// The `nnlab` command line: sub-commands, flags, exit codes.
#pragma once

namespace nnlab {

// Exit codes: 0 success, 1 internal error, 2 bad input (config, data, model file, flag).
int run_cli(int argc, char** argv);

}  // namespace nnlab
