// The one way error messages quote user input (with_thousands is tested in tensor_test.cpp).
#include "core/text.hpp"

#include <gtest/gtest.h>

#include <string>

namespace nnlab {
namespace {

TEST(ShownValue, ShortValuesAreShownAsTheyAre) {
  EXPECT_EQ(shown_value(""), "");
  EXPECT_EQ(shown_value("relu"), "relu");
  EXPECT_EQ(shown_value(std::string(80, 'a')), std::string(80, 'a'));
  EXPECT_EQ(shown_value("héllo"), "héllo");
}

TEST(ShownValue, LongValuesAreCutWithTheirLength) {
  EXPECT_EQ(shown_value(std::string(81, 'a')), std::string(80, 'a') + "… (81 bytes)");
  EXPECT_EQ(shown_value(std::string(100'000, 'n')), std::string(80, 'n') + "… (100,000 bytes)");
  EXPECT_EQ(shown_value("abcdef", 3), "abc… (6 bytes)");
}

TEST(ShownValue, ControlCharactersAreEscapedSoTheMessageIsOneLine) {
  EXPECT_EQ(shown_value("a\nb\rc\td"), "a\\nb\\rc\\td");
  EXPECT_EQ(shown_value(std::string("x\0y\x7f", 4)), "x\\x00y\\x7f");
  // An escape is not split by the cut either.
  EXPECT_EQ(shown_value("ab\ncd", 3), "ab… (5 bytes)");
}

TEST(ShownValue, TheCutNeverSplitsAUtf8Character) {
  // "é" is two bytes; a cut after its first byte backs up before it.
  EXPECT_EQ(shown_value("aé" + std::string(10, 'z'), 2), "a… (13 bytes)");
  EXPECT_EQ(shown_value("a€zzzz", 3), "a… (8 bytes)");  // € is three bytes
  EXPECT_EQ(shown_value("a€zzzz", 4), "a€… (8 bytes)");
}

}  // namespace
}  // namespace nnlab
