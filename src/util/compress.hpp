#pragma once
// zstd frames for bulky text the database keeps (claim traces). Level 1: the
// batch's hot path pays ~1 s of CPU per GB and the text shrinks ~15x.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace relief {

struct CompressError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string zstd_compress(std::string_view text);
// Throws CompressError when `frame` is not one whole zstd frame or would
// decompress to more than bytes_max.
std::string zstd_decompress(std::string_view frame, std::size_t bytes_max);

}  // namespace relief
