#pragma once
// Durable file output: write to a temporary name in the same folder, fsync,
// rename, fsync the folder. Reading whole files with a size limit.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace relief {

struct IoError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Streams a file to PATH.tmp; finish() fsyncs and renames it to PATH. A sink
// destroyed without finish() removes the temporary file.
class FileSink {
 public:
  explicit FileSink(std::string path);
  ~FileSink();
  FileSink(const FileSink&) = delete;
  FileSink& operator=(const FileSink&) = delete;
  void write(std::string_view bytes);
  // Writes what is buffered and syncs the temporary file, so that finish()
  // has little left to wait for. Not concurrently with write().
  void sync();
  void finish();

 private:
  void flush();
  std::string path_, tmp_, buffer_;
  int fd_ = -1;
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
