// The nnlab command; everything it does lives in src/cli.
#include "cli/app.hpp"

int main(int argc, char** argv) { return nnlab::run_cli(argc, argv); }
