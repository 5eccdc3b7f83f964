// Errors that reach the user: bad input (config, data, model files, flags) is an
// InputError and makes the command exit with code 2 and its one-line message.
#pragma once

#include <stdexcept>
#include <string>

namespace nnlab {

// Message convention: "<where>: <reason>", where <where> names the file and the key,
// row or byte offset, e.g. "mirror.yaml: optimizer.lr: must be > 0, got -0.1".
class InputError : public std::runtime_error {
 public:
  explicit InputError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace nnlab
