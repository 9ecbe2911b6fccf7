#pragma once
// Durable file output: write to a temporary name in the same folder, fsync,
// rename, fsync the folder. Reading whole files with a size limit.
#include <cstdint>
#include <stdexcept>
#include <memory>
#include <string>
#include <string_view>

namespace relief {

struct IoError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Streams a file to PATH.tmp; finish() fsyncs and renames it to PATH. A sink
// destroyed without finish() removes the temporary file.
// A file written through a temporary name: finish() syncs it and renames it
// into place; destroyed unfinished, the temporary file is removed.
//
// Its data goes to the disk with O_DIRECT where the file system allows it
// (whole 4 KiB blocks from an aligned buffer; the last partial block goes
// through the page cache at finish()). The batch writes gigabytes this way:
// through the page cache each gigabyte cost ~1.7 s of kernel CPU here
// (copying into the cache), taken from the threads adjudicating; direct, ~0.2 s.
class FileSink {
 public:
  static constexpr std::size_t kBufferBytesDefault = 4u << 20;
  // buffer_bytes: a multiple of 4 KiB (the payment files, eight open at
  // once during a batch, take less).
  explicit FileSink(std::string path, std::size_t buffer_bytes = kBufferBytesDefault);
  ~FileSink();
  FileSink(const FileSink&) = delete;
  FileSink& operator=(const FileSink&) = delete;
  void write(std::string_view bytes);
  // Writes what it can of the buffer and syncs the temporary file, so that
  // finish() has little left to wait for. Not concurrently with write().
  void sync();
  void finish();
  // Everything written so far is in the temporary file (not synced, not
  // renamed): for a writer that reads it back before dropping the sink.
  void flush();
  const std::string& temporary_path() const { return tmp_; }

 private:
  void write_out(bool all);  // the buffer's whole blocks, or (all) everything
  void stop_direct();        // on to the page cache
  std::string path_, tmp_;
  std::unique_ptr<char, void (*)(void*)> buffer_;
  std::size_t buffer_bytes_;
  std::size_t used_ = 0;  // bytes in buffer_
  int fd_ = -1;
  bool direct_ = false;
};

void write_file_atomically(const std::string& path, const std::string& bytes);
void fsync_directory(const std::string& dir);
void make_directories(const std::string& dir);
std::string read_file_limited(const std::string& path, std::uint64_t bytes_max);
bool file_exists(const std::string& path);
// Moves a file into a folder, keeping its name (adding .1, .2... if taken);
// with `sync`, both folders are fsynced (else the caller does it once for many).
std::string move_into(const std::string& file, const std::string& dir, bool sync = true);

}  // namespace relief
