// The check every bad-input test makes: the action throws an InputError whose one-line
// message contains every expected fragment.
#pragma once

#include <gtest/gtest.h>

#include <exception>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace nnlab::testing {

// Runs `action`, expects an InputError whose message is one line and contains every fragment;
// returns the message ("" after a failure).
inline std::string expect_input_error(const std::function<void()>& action, std::initializer_list<std::string_view> fragments) {
  try {
    action();
  } catch (const InputError& error) {
    const std::string message = error.what();
    EXPECT_EQ(message.find('\n'), std::string::npos) << "message should be one line: " << message;
    for (const std::string_view fragment : fragments)
      EXPECT_NE(message.find(fragment), std::string::npos) << "message: " << message << "\nmissing: " << fragment;
    return message;
  } catch (const std::exception& error) {
    ADD_FAILURE() << "expected an InputError, got another exception: " << error.what();
    return {};
  }
  ADD_FAILURE() << "expected an InputError, nothing was thrown";
  return {};
}

}  // namespace nnlab::testing
