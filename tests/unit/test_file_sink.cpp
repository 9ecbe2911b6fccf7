// src/util/files.cpp FileSink: what it writes is the bytes given, in order,
// whatever the sizes of the pieces: it writes whole 4 KiB blocks of a 4 MiB
// buffer directly (O_DIRECT) and the last partial block through the page
// cache, and sync() may come between writes.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "src/util/files.hpp"
#include "tests/unit/test_support.hpp"

using namespace relief;

namespace {

// Deterministic bytes, every value 0-255, so a shifted or repeated block shows.
std::string pattern_bytes(std::size_t size, std::uint32_t seed) {
  std::string s(size, '\0');
  for (auto& c : s) {
    seed = seed * 1103515245u + 12345u;
    c = static_cast<char>(seed >> 24);
  }
  return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(file_sink)

BOOST_AUTO_TEST_CASE(pieces_of_every_size_arrive_whole_and_in_order) {
  test::TempDir tmp;
  constexpr std::size_t kMiB = 1 << 20;
  // Totals below, on and across the block (4 KiB) and buffer (4 MiB) sizes.
  const std::vector<std::vector<std::size_t>> cases = {
      {},
      {1},
      {4095},
      {4096},
      {4097},
      {4 * kMiB},
      {4 * kMiB + 1},
      {3 * kMiB, 3 * kMiB, 5},
      {9 * kMiB + 123},               // one piece larger than the buffer
      {100, 4096, 1, 4 * kMiB - 7, 8191, 70000},
  };
  int n = 0;
  for (const auto& pieces : cases) {
    const std::string path = tmp.file("out-" + std::to_string(n++));
    std::string expected;
    {
      FileSink sink(path);
      std::uint32_t seed = 7;
      for (std::size_t size : pieces) {
        std::string piece = pattern_bytes(size, ++seed);
        sink.write(piece);
        expected += piece;
      }
      sink.finish();
    }
    BOOST_TEST_CONTEXT("case " << n - 1) {
      BOOST_TEST(!file_exists(path + ".tmp"));
      BOOST_TEST(read_file_limited(path, 64 * kMiB) == expected);
    }
  }
}

BOOST_AUTO_TEST_CASE(sync_between_writes_keeps_every_byte) {
  test::TempDir tmp;
  const std::string path = tmp.file("synced");
  std::string expected;
  {
    FileSink sink(path);
    for (std::size_t size : {5000u, 1u, 4096u * 3 + 17, 4u << 20, 33u}) {
      std::string piece = pattern_bytes(size, static_cast<std::uint32_t>(size));
      sink.write(piece);
      expected += piece;
      sink.sync();  // writes the whole blocks, keeps the partial one
    }
    sink.finish();
  }
  BOOST_TEST(read_file_limited(path, 64u << 20) == expected);
}

BOOST_AUTO_TEST_CASE(unfinished_sink_leaves_nothing) {
  test::TempDir tmp;
  const std::string path = tmp.file("abandoned");
  {
    FileSink sink(path);
    sink.write(pattern_bytes(5u << 20, 1));
  }
  BOOST_TEST(!file_exists(path));
  BOOST_TEST(!file_exists(path + ".tmp"));
}

BOOST_AUTO_TEST_SUITE_END()
