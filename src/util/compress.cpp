#include "src/util/compress.hpp"

#include <zstd.h>

#include <memory>

namespace relief {

namespace {
constexpr int kLevel = 1;

struct CCtx {
  CCtx() : ctx(ZSTD_createCCtx()) {
    if (!ctx) throw CompressError("zstd: out of memory");
    ZSTD_CCtx_setParameter(ctx, ZSTD_c_compressionLevel, kLevel);
    ZSTD_CCtx_setParameter(ctx, ZSTD_c_checksumFlag, 1);  // a damaged block fails to decompress
  }
  ~CCtx() { ZSTD_freeCCtx(ctx); }
  CCtx(const CCtx&) = delete;
  CCtx& operator=(const CCtx&) = delete;
  ZSTD_CCtx* ctx;
};
}  // namespace

std::string zstd_compress(std::string_view text) {
  thread_local CCtx c;  // one context per thread, reused
  // The bound is ~the input's size, the frame a tenth of it: compress into a
  // per-thread scratch buffer (not zeroed per call) and copy the frame out.
  thread_local std::unique_ptr<char[]> scratch;
  thread_local std::size_t scratch_bytes = 0;
  const std::size_t bound = ZSTD_compressBound(text.size());
  if (bound > scratch_bytes) {
    scratch.reset(new char[bound]);
    scratch_bytes = bound;
  }
  std::size_t n = ZSTD_compress2(c.ctx, scratch.get(), bound, text.data(), text.size());
  if (ZSTD_isError(n)) throw CompressError(std::string("zstd: ") + ZSTD_getErrorName(n));
  return std::string(scratch.get(), n);
}

std::string zstd_decompress(std::string_view frame, std::size_t bytes_max) {
  unsigned long long size = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN)
    throw CompressError("zstd: not a frame with a known size");
  if (size > bytes_max) throw CompressError("zstd: frame holds " + std::to_string(size) + " bytes, more than allowed");
  std::string out(static_cast<std::size_t>(size), '\0');
  std::size_t n = ZSTD_decompress(out.data(), out.size(), frame.data(), frame.size());
  if (ZSTD_isError(n)) throw CompressError(std::string("zstd: ") + ZSTD_getErrorName(n));
  if (n != size) throw CompressError("zstd: frame shorter than its header says");
  return out;
}

}  // namespace relief
