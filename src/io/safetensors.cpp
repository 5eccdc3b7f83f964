#include "io/safetensors.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <tuple>
#include <utility>

#include "core/error.hpp"
#include "core/text.hpp"
#include "io/header_json.hpp"

namespace nnlab {
namespace {

// Tensor storage is read and written with memcpy, which is the file's byte order only here.
static_assert(std::endian::native == std::endian::little, "safetensors I/O assumes a little-endian machine");

using Json = nlohmann::json;

constexpr std::uint64_t length_field_bytes = 8;

enum class Dtype { boolean, u8, i8, i16, u16, f16, bf16, i32, u32, f32, i64, u64, f64 };

struct DtypeInfo {
  std::string_view name;
  Dtype dtype;
  std::uint64_t bytes;
};

constexpr std::array<DtypeInfo, 13> readable_dtypes{{
    {"BOOL", Dtype::boolean, 1},
    {"U8", Dtype::u8, 1},
    {"I8", Dtype::i8, 1},
    {"I16", Dtype::i16, 2},
    {"U16", Dtype::u16, 2},
    {"F16", Dtype::f16, 2},
    {"BF16", Dtype::bf16, 2},
    {"I32", Dtype::i32, 4},
    {"U32", Dtype::u32, 4},
    {"F32", Dtype::f32, 4},
    {"I64", Dtype::i64, 8},
    {"U64", Dtype::u64, 8},
    {"F64", Dtype::f64, 8},
}};
// In the spec, but with no exact float32 meaning worth guessing at here.
constexpr std::array<std::string_view, 7> unreadable_dtypes{"F8_E4M3", "F8_E5M2", "F8_E8M0", "F6_E2M3",
                                                            "F6_E3M2", "F4",      "C64"};

// One header entry, validated against the data block.
struct Entry {
  std::string name;
  const DtypeInfo* dtype = nullptr;
  Shape shape;
  std::uint64_t begin = 0;  // byte range [begin, end) within the data block
  std::uint64_t end = 0;
};

struct Header {
  SafetensorsMetadata metadata;
  std::vector<Entry> entries;  // sorted by data offset
};

// A name or value from the file as messages quote it: at most 80 characters (core/text.hpp).
// Built by appending: GCC 12 warns falsely (-Wrestrict) on "'" + std::string(...).
std::string in_quotes(std::string_view text) {
  std::string result = "'";
  result.append(shown_value(text));
  return result += "'";
}

// A JSON value from the header as messages show it, capped the same way.
std::string dumped(const Json& value) { return shown_value(value.dump()); }

[[noreturn]] void fail_at_byte(const std::string& source, std::uint64_t offset, const std::string& reason) {
  throw InputError(source + ": byte " + std::to_string(offset) + ": " + reason);
}
[[noreturn]] void fail_in_tensor(const std::string& source, std::string_view name, const std::string& reason) {
  throw InputError(source + ": tensor " + in_quotes(name) + ": " + reason);
}

std::uint64_t load_u64_le(std::span<const std::byte, 8> bytes) {
  std::uint64_t value = 0;
  for (int i = 7; i >= 0; --i)
    value = (value << 8) | std::to_integer<std::uint64_t>(bytes[static_cast<std::size_t>(i)]);
  return value;
}

std::array<char, 8> store_u64_le(std::uint64_t value) {
  std::array<char, 8> bytes{};
  for (char& byte : bytes) {
    byte = static_cast<char>(value & 0xffu);
    value >>= 8;
  }
  return bytes;
}

// IEEE binary16 -> binary32, exact: sign | exponent (bias 15) | 10-bit mantissa.
float half_to_float(std::uint16_t half) {
  const std::uint32_t sign = static_cast<std::uint32_t>(half >> 15) << 31;
  const std::uint32_t exponent = (half >> 10) & 0x1fu;
  const std::uint32_t mantissa = half & 0x3ffu;
  if (exponent == 0) {  // zero or subnormal: mantissa * 2^-24
    const float magnitude = std::ldexp(static_cast<float>(mantissa), -24);
    return sign != 0 ? -magnitude : magnitude;
  }
  if (exponent == 0x1f) return std::bit_cast<float>(sign | 0x7f800000u | (mantissa << 13));  // inf, NaN
  return std::bit_cast<float>(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
}

// bfloat16 is the upper half of a binary32.
float bfloat16_to_float(std::uint16_t bits) { return std::bit_cast<float>(static_cast<std::uint32_t>(bits) << 16); }

template <typename Stored, typename Convert>
void convert_each(std::span<const std::byte> raw, std::span<float> out, Convert convert) {
  for (std::size_t i = 0; i < out.size(); ++i) {
    Stored stored;
    std::memcpy(&stored, raw.data() + i * sizeof(Stored), sizeof(Stored));
    out[i] = convert(stored);
  }
}

template <typename Stored>
void convert_numeric(std::span<const std::byte> raw, std::span<float> out) {
  convert_each<Stored>(raw, out, [](Stored value) { return static_cast<float>(value); });
}

// raw holds exactly out.size() elements of `dtype`.
void decode_into(Dtype dtype, std::span<const std::byte> raw, std::span<float> out) {
  switch (dtype) {
    case Dtype::f32:
      if (!raw.empty()) std::memcpy(out.data(), raw.data(), raw.size());
      return;
    case Dtype::f64: convert_numeric<double>(raw, out); return;
    case Dtype::f16: convert_each<std::uint16_t>(raw, out, half_to_float); return;
    case Dtype::bf16: convert_each<std::uint16_t>(raw, out, bfloat16_to_float); return;
    case Dtype::boolean:
      convert_each<std::uint8_t>(raw, out, [](std::uint8_t value) { return value != 0 ? 1.0f : 0.0f; });
      return;
    case Dtype::u8: convert_numeric<std::uint8_t>(raw, out); return;
    case Dtype::i8: convert_numeric<std::int8_t>(raw, out); return;
    case Dtype::i16: convert_numeric<std::int16_t>(raw, out); return;
    case Dtype::u16: convert_numeric<std::uint16_t>(raw, out); return;
    case Dtype::i32: convert_numeric<std::int32_t>(raw, out); return;
    case Dtype::u32: convert_numeric<std::uint32_t>(raw, out); return;
    case Dtype::i64: convert_numeric<std::int64_t>(raw, out); return;
    case Dtype::u64: convert_numeric<std::uint64_t>(raw, out); return;
  }
  throw std::logic_error("decode_into: unhandled dtype");
}

// A JSON value as a non-negative integer that fits an Index; `what` names it in the message.
std::uint64_t to_count(const Json& value, const std::string& source, std::string_view name, const std::string& what) {
  constexpr auto largest = static_cast<std::uint64_t>(std::numeric_limits<Index>::max());
  if (value.is_number_unsigned()) {
    const auto count = value.get<std::uint64_t>();
    if (count > largest) fail_in_tensor(source, name, what + " " + std::to_string(count) + " is too large");
    return count;
  }
  if (value.is_number_integer()) {  // nlohmann stores only negative integers (and -0) as signed
    const auto signed_value = value.get<std::int64_t>();
    if (signed_value < 0) fail_in_tensor(source, name, what + " is negative: " + std::to_string(signed_value));
    return static_cast<std::uint64_t>(signed_value);
  }
  if (value.is_number_float()) fail_in_tensor(source, name, what + " is not an integer: " + dumped(value));
  fail_in_tensor(source, name, what + " is not a number: " + dumped(value));
}

const Json& required_field(const Json& entry, const char* field, const std::string& source, std::string_view name) {
  const auto found = entry.find(field);
  if (found == entry.end()) fail_in_tensor(source, name, std::string("missing \"") + field + "\"");
  return *found;
}

const DtypeInfo& parse_dtype(const Json& value, const std::string& source, std::string_view name) {
  if (!value.is_string()) fail_in_tensor(source, name, "dtype is not a string: " + dumped(value));
  const auto& text = value.get_ref<const std::string&>();
  for (const DtypeInfo& info : readable_dtypes)
    if (info.name == text) return info;
  if (std::find(unreadable_dtypes.begin(), unreadable_dtypes.end(), text) != unreadable_dtypes.end())
    fail_in_tensor(source, name,
                   "dtype " + in_quotes(text) + " is not supported (nnlab reads F64, F32, F16, BF16, integers, BOOL)");
  fail_in_tensor(source, name, "unknown dtype " + in_quotes(text));
}

Entry parse_entry(const std::string& name, const Json& value, std::uint64_t data_bytes, const std::string& source) {
  if (!value.is_object()) fail_in_tensor(source, name, "entry is not a JSON object");
  Entry entry;
  entry.name = name;
  entry.dtype = &parse_dtype(required_field(value, "dtype", source, name), source, name);

  const Json& shape = required_field(value, "shape", source, name);
  if (!shape.is_array()) fail_in_tensor(source, name, "shape is not an array: " + dumped(shape));
  // Element count, checked against overflow the way element_count() does, so Tensor agrees.
  constexpr auto largest = static_cast<std::uint64_t>(std::numeric_limits<Index>::max());
  std::uint64_t elements = 1;
  for (const Json& dim_value : shape) {
    const std::uint64_t dim = to_count(dim_value, source, name, "shape dimension");
    if (dim != 0 && elements > largest / dim) fail_in_tensor(source, name, "shape " + dumped(shape) + " overflows");
    elements *= dim;
    entry.shape.push_back(static_cast<Index>(dim));
  }

  const Json& offsets = required_field(value, "data_offsets", source, name);
  if (!offsets.is_array() || offsets.size() != 2)
    fail_in_tensor(source, name, "data_offsets is not [begin, end]: " + dumped(offsets));
  entry.begin = to_count(offsets[0], source, name, "data_offsets begin");
  entry.end = to_count(offsets[1], source, name, "data_offsets end");
  if (entry.begin > entry.end) fail_in_tensor(source, name, "data_offsets " + dumped(offsets) + " end before begin");
  if (entry.end > data_bytes)
    fail_in_tensor(
        source, name,
        "data_offsets " + dumped(offsets) + " end beyond the data block of " + std::to_string(data_bytes) + " bytes");

  // bytes = elements * dtype size; elements <= largest, so only the multiplication can overflow.
  const std::uint64_t bytes = entry.end - entry.begin;
  if (elements > largest / entry.dtype->bytes || elements * entry.dtype->bytes != bytes)
    fail_in_tensor(source, name,
                   std::to_string(bytes) + " data bytes, but shape " + dumped(shape) + " of " +
                       std::string(entry.dtype->name) + " needs " + std::to_string(elements) + " x " +
                       std::to_string(entry.dtype->bytes));
  return entry;
}

SafetensorsMetadata parse_metadata(const Json& value, const std::string& source) {
  SafetensorsMetadata metadata;
  if (value.is_null()) return metadata;
  if (!value.is_object()) throw InputError(source + ": __metadata__: not a JSON object");
  for (const auto& [key, text] : value.items()) {
    if (!text.is_string())
      throw InputError(source + ": __metadata__: value of " + in_quotes(key) + " is not a string: " + dumped(text));
    metadata.emplace(key, text.get<std::string>());
  }
  return metadata;
}

Header parse_header(std::string_view text, std::uint64_t data_bytes, const std::string& source) {
  if (text.empty() || text.front() != '{') fail_at_byte(source, length_field_bytes, "header does not start with '{'");
  const Json root = parse_header_json(text, length_field_bytes, source);
  if (!root.is_object()) fail_at_byte(source, length_field_bytes, "header is not a JSON object");

  Header header;
  for (const auto& [name, value] : root.items()) {
    if (name == "__metadata__") {
      header.metadata = parse_metadata(value, source);
    } else {
      header.entries.push_back(parse_entry(name, value, data_bytes, source));
    }
  }

  // The spec: tensors tile the data block in offset order, no gaps, no overlaps, nothing after.
  std::sort(header.entries.begin(), header.entries.end(), [](const Entry& a, const Entry& b) {
    return std::tie(a.begin, a.end, a.name) < std::tie(b.begin, b.end, b.name);
  });
  std::uint64_t covered = 0;
  const Entry* previous = nullptr;
  for (const Entry& entry : header.entries) {
    if (entry.begin > covered)
      fail_in_tensor(source, entry.name,
                     "gap in the data block: data starts at " + std::to_string(entry.begin) +
                         " but the tensors before end at " + std::to_string(covered));
    if (entry.begin < covered)
      fail_in_tensor(source, entry.name,
                     "data [" + std::to_string(entry.begin) + ", " + std::to_string(entry.end) + ") overlaps tensor " +
                         in_quotes(previous->name) + " ending at " + std::to_string(covered));
    covered = entry.end;
    previous = &entry;
  }
  if (covered != data_bytes)
    fail_at_byte(source, length_field_bytes + text.size() + covered,
                 std::to_string(data_bytes - covered) + " bytes after the last tensor's data");
  return header;
}

// The reader shared by files and memory: read_bytes(offset, destination) fills destination
// from the absolute byte offset or throws InputError; total_bytes is the input's size.
template <typename ReadBytes>
SafetensorsFile read_from(std::uint64_t total_bytes, const std::string& source, ReadBytes read_bytes) {
  if (total_bytes < length_field_bytes)
    fail_at_byte(source, 0,
                 "file has " + std::to_string(total_bytes) + " bytes, too short for the 8-byte header length");
  std::array<std::byte, length_field_bytes> length_field{};
  read_bytes(0, std::span<std::byte>(length_field));
  const std::uint64_t header_bytes = load_u64_le(length_field);
  if (header_bytes > safetensors_max_header_bytes)
    fail_at_byte(source, 0,
                 "header length " + std::to_string(header_bytes) + " exceeds the limit of " +
                     std::to_string(safetensors_max_header_bytes) + " bytes");
  if (header_bytes > total_bytes - length_field_bytes)
    fail_at_byte(source, 0,
                 "header length " + std::to_string(header_bytes) + " exceeds the " +
                     std::to_string(total_bytes - length_field_bytes) + " bytes after the length field");

  std::string header_text(static_cast<std::size_t>(header_bytes), '\0');
  read_bytes(length_field_bytes, std::as_writable_bytes(std::span<char>(header_text)));
  const std::uint64_t data_start = length_field_bytes + header_bytes;
  Header header = parse_header(header_text, total_bytes - data_start, source);

  SafetensorsFile file{.metadata = std::move(header.metadata), .tensors = {}};
  file.tensors.reserve(header.entries.size());
  std::vector<std::byte> raw;  // staging for dtypes that need converting
  for (Entry& entry : header.entries) {
    Tensor value(entry.shape);
    const std::uint64_t offset = data_start + entry.begin;
    if (entry.dtype->dtype == Dtype::f32) {
      read_bytes(offset, std::as_writable_bytes(value.span()));
    } else {
      raw.resize(static_cast<std::size_t>(entry.end - entry.begin));
      read_bytes(offset, std::span<std::byte>(raw));
      decode_into(entry.dtype->dtype, raw, value.span());
    }
    file.tensors.push_back({std::move(entry.name), std::move(value)});
  }
  return file;
}

std::string make_header(std::span<const NamedTensorView> tensors, const SafetensorsMetadata& metadata) {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::set<std::string_view> names;
  std::uint64_t offset = 0;
  for (const NamedTensorView& tensor : tensors) {
    if (tensor.name == "__metadata__") throw std::invalid_argument("write_safetensors: '__metadata__' is reserved");
    if (!names.insert(tensor.name).second)
      throw std::invalid_argument("write_safetensors: duplicate name " + in_quotes(tensor.name));
    if (element_count(tensor.shape) != static_cast<Index>(tensor.values.size()))
      throw std::invalid_argument("write_safetensors: " + in_quotes(tensor.name) + ": shape " +
                                  to_string(tensor.shape) + " does not hold " + std::to_string(tensor.values.size()) +
                                  " values");
    const std::uint64_t end = offset + tensor.values.size_bytes();
    header[tensor.name] = {{"dtype", "F32"}, {"shape", tensor.shape}, {"data_offsets", {offset, end}}};
    offset = end;
  }
  std::string text;
  try {
    text = header.dump();
  } catch (const nlohmann::ordered_json::type_error&) {
    throw std::invalid_argument("write_safetensors: names and metadata must be valid UTF-8");
  }
  // Pad with spaces so the data block starts 8-byte aligned (the length field is 8 bytes).
  text.append((8 - text.size() % 8) % 8, ' ');
  return text;
}

[[noreturn]] void fail_writing(const std::filesystem::path& file, const std::string& reason) {
  throw InputError(file.string() + ": cannot write: " + reason);
}

}  // namespace

std::vector<std::byte> safetensors_bytes(std::span<const NamedTensorView> tensors, const SafetensorsMetadata& metadata) {
  const std::string header = make_header(tensors, metadata);
  std::size_t data_bytes = 0;
  for (const NamedTensorView& tensor : tensors) data_bytes += tensor.values.size_bytes();
  std::vector<std::byte> bytes(8 + header.size() + data_bytes);
  const std::array<char, 8> length = store_u64_le(header.size());
  std::byte* out = bytes.data();
  out = std::copy_n(reinterpret_cast<const std::byte*>(length.data()), length.size(), out);
  out = std::copy_n(reinterpret_cast<const std::byte*>(header.data()), header.size(), out);
  for (const NamedTensorView& tensor : tensors)
    out = std::copy_n(reinterpret_cast<const std::byte*>(tensor.values.data()), tensor.values.size_bytes(), out);
  return bytes;
}

std::vector<std::byte> safetensors_bytes(std::span<const NamedTensor> tensors, const SafetensorsMetadata& metadata) {
  std::vector<NamedTensorView> views;
  views.reserve(tensors.size());
  for (const NamedTensor& tensor : tensors) {
    // A default-constructed Tensor has shape [] but no element; [] means one element in a file.
    if (tensor.value.size() != element_count(tensor.value.shape()))
      throw std::invalid_argument("write_safetensors: " + in_quotes(tensor.name) + " is an empty tensor");
    views.push_back({tensor.name, tensor.value.shape(), tensor.value.span()});
  }
  return safetensors_bytes(std::span<const NamedTensorView>(views), metadata);
}

void write_file_atomically(const std::filesystem::path& file, std::span<const std::byte> bytes) {
  std::filesystem::path temporary = file;
  temporary += ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) fail_writing(temporary, std::strerror(errno));
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) {
      const std::string reason = std::strerror(errno);
      std::error_code ignored;
      std::filesystem::remove(temporary, ignored);
      fail_writing(temporary, reason);
    }
  }
  std::error_code error;
  std::filesystem::rename(temporary, file, error);  // atomic on POSIX: readers see old or new, never half
  if (error) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    fail_writing(file, error.message());
  }
}

void write_safetensors(const std::filesystem::path& file, std::span<const NamedTensorView> tensors,
                       const SafetensorsMetadata& metadata) {
  write_file_atomically(file, safetensors_bytes(tensors, metadata));
}

void write_safetensors(const std::filesystem::path& file, std::span<const NamedTensor> tensors,
                       const SafetensorsMetadata& metadata) {
  write_file_atomically(file, safetensors_bytes(tensors, metadata));
}

SafetensorsFile parse_safetensors(std::span<const std::byte> bytes, const std::string& source) {
  // read_from checks every range against bytes.size() before reading.
  return read_from(bytes.size(), source, [&](std::uint64_t offset, std::span<std::byte> destination) {
    if (!destination.empty()) std::memcpy(destination.data(), bytes.data() + offset, destination.size());
  });
}

SafetensorsFile read_safetensors_file(const std::filesystem::path& file) {
  const std::string source = file.string();
  std::error_code error;
  const std::uintmax_t size = std::filesystem::file_size(file, error);
  if (error) throw InputError(source + ": cannot read: " + error.message());
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(source + ": cannot read: " + std::strerror(errno));
  return read_from(size, source, [&](std::uint64_t offset, std::span<std::byte> destination) {
    in.seekg(static_cast<std::streamoff>(offset));
    in.read(reinterpret_cast<char*>(destination.data()), static_cast<std::streamsize>(destination.size()));
    // Only if the file shrank after its size was taken.
    if (!in)
      fail_at_byte(source, offset + static_cast<std::uint64_t>(std::max<std::streamsize>(in.gcount(), 0)),
                   "unexpected end of file");
  });
}

std::vector<NamedTensor> read_safetensors(const std::filesystem::path& file) {
  return read_safetensors_file(file).tensors;
}

}  // namespace nnlab
