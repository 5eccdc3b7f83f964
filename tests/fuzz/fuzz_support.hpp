// What every libFuzzer harness shares (issue 9, item 17). The oracle: a malformed input may be
// refused only as nnlab refuses a user's bad file — an InputError, which the command line prints
// as one line and exits with code 2. Any other exception reaching the top (std::out_of_range, a
// JSON library error, std::bad_alloc) is what the user sees as "internal error" (exit 1), and
// AddressSanitizer / UBSan reports are crashes: each aborts, so libFuzzer keeps the input.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <typeinfo>

#include "core/error.hpp"

namespace nnlab::fuzz {

// An error line quotes values cut at 80 characters (core/text.hpp shown_value), so even with
// file names and offsets it stays short; a longer one echoes the input.
inline constexpr std::size_t max_error_bytes = 2000;

[[noreturn]] inline void finding(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz finding: %s: %.4000s\n", what, detail.c_str());
  std::abort();
}

// Runs `parse`; returns true when it accepted the input, false when it refused it as it should.
template <typename Parse>
bool accepts(Parse&& parse) {
  try {
    parse();
    return true;
  } catch (const InputError& error) {
    const std::string_view message = error.what();
    if (message.empty()) finding("an InputError without a message", "");
    if (message.size() > max_error_bytes) finding("an error line longer than 2000 bytes", std::string(message.substr(0, 300)) + "...");
    return false;
  } catch (const std::exception& error) {
    finding(typeid(error).name(), error.what());
  }
}

// The fuzz input as a file, for readers that take a path: an anonymous in-memory file
// (memfd), reachable as /proc/self/fd/N, so no disk is touched.
class MemoryFile {
 public:
  MemoryFile(const char* name, std::span<const std::uint8_t> bytes) : fd_(memfd_create(name, MFD_CLOEXEC)) {
    if (fd_ < 0) finding("memfd_create failed", name);
    std::size_t written = 0;
    while (written < bytes.size()) {
      const ssize_t got = ::write(fd_, bytes.data() + written, bytes.size() - written);
      if (got <= 0) finding("writing the memory file failed", name);
      written += static_cast<std::size_t>(got);
    }
  }
  ~MemoryFile() { ::close(fd_); }
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;
  std::filesystem::path path() const { return "/proc/self/fd/" + std::to_string(fd_); }

 private:
  int fd_;
};

inline std::span<const std::byte> as_bytes(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const std::byte*>(data), size};
}

}  // namespace nnlab::fuzz
