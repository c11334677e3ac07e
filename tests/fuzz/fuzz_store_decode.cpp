// The event log's byte format read back (server/store/event_format.hpp), as from a damaged or
// hostile database file. Input: a first byte that picks the decoder (0: decode_event, 1:
// decode_state, 2: decode_ballot, 3: decode_group_event; taken modulo 4), then the bytes. make_store_seeds writes seeds of
// this shape from a real meeting.
//
// FormatError is the expected refusal. A finding: any other exception, a crash or sanitizer report,
// a single allocation far beyond what the input could describe (a length field believed before the
// bytes it counts were seen), or a round trip that is not stable: what decodes must encode, decode
// again and encode to the same bytes.
#include <sanitizer/allocator_interface.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "store/event_format.hpp"

namespace {

using namespace everyvoice;

void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_store_decode: check failed: %s\n", what);
  std::abort();
}

// The largest single allocation while a decode runs (ASan's allocator hooks).
bool measuring = false;
std::size_t largest = 0;

void on_malloc(const volatile void*, std::size_t size) {
  if (measuring && size > largest) largest = size;
}
void on_free(const volatile void*) {}

// Bytes of memory one input byte may account for: a decoded vector of n items allocates n times
// the item's size up front, and n is refused past the input's size; the widest item is core::Poll
// (416 bytes on x86-64). More than that means a count believed before its items were seen.
constexpr std::size_t bytes_per_input_byte = 1024;
constexpr std::size_t allocation_slack = 64 * 1024;

template <class T, class Decode, class Encode>
void round_trip(std::string_view bytes, Decode decode, Encode encode) {
  T value;
  largest = 0;
  measuring = true;
  try {
    value = decode(bytes);
  } catch (const store::FormatError&) {
    measuring = false;
    check(largest <= bytes.size() * bytes_per_input_byte + allocation_slack, "an allocation past what the input holds");
    return;
  }
  measuring = false;
  check(largest <= bytes.size() * bytes_per_input_byte + allocation_slack, "an allocation past what the input holds");
  // What decoded is written back; that must read back and write the same bytes again. (The first
  // bytes need not equal the input: integers may have been written long, bools as 2..255, and a
  // state's anonymous ballots are left out of its bytes.)
  const std::string once = encode(value);
  const std::string twice = encode(decode(once));
  check(once == twice, "decode and encode do not settle");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  __sanitizer_install_malloc_and_free_hooks(on_malloc, on_free);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 4) {
    case 0: round_trip<core::Event>(bytes, store::decode_event, store::encode_event); break;
    case 1: round_trip<core::MeetingState>(bytes, store::decode_state, store::encode_state); break;
    case 2: round_trip<core::Ballot>(bytes, store::decode_ballot, store::encode_ballot); break;
    default: round_trip<core::GroupEvent>(bytes, store::decode_group_event, store::encode_group_event); break;
  }
  return 0;
}
