#include "src/util/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>
#include <filesystem>
#include <fstream>

#include "src/util/fault.hpp"

namespace relief {

namespace fs = std::filesystem;

namespace {
std::string err(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}
}  // namespace

void fsync_directory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) throw IoError(err("cannot open folder", dir));
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) throw IoError(err("cannot sync folder", dir));
}

namespace {
constexpr std::size_t kDirectBlockBytes = 4096;     // O_DIRECT's alignment of memory, offsets and sizes
static_assert(FileSink::kBufferBytesDefault % kDirectBlockBytes == 0);

void write_all(int fd, const char* data, std::size_t size, const std::string& path) {
  std::size_t done = 0;
  while (done < size) {
    ssize_t n = ::write(fd, data + done, size - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw IoError(err("cannot write", path));
    }
    done += static_cast<std::size_t>(n);
  }
}

char* aligned_buffer(std::size_t bytes) {
  void* p = std::aligned_alloc(kDirectBlockBytes, bytes);
  if (!p) throw std::bad_alloc();
  return static_cast<char*>(p);
}
}  // namespace

FileSink::FileSink(std::string path, std::size_t buffer_bytes)
    : path_(std::move(path)), tmp_(path_ + ".tmp"), buffer_(nullptr, std::free), buffer_bytes_(buffer_bytes) {
  if (buffer_bytes_ == 0 || buffer_bytes_ % kDirectBlockBytes != 0)
    throw std::invalid_argument("FileSink: the buffer must be a whole number of 4 KiB blocks");
  buffer_.reset(aligned_buffer(buffer_bytes_));
  constexpr int kFlags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC;
  fd_ = ::open(tmp_.c_str(), kFlags | O_DIRECT, 0644);
  direct_ = fd_ >= 0;
  if (fd_ < 0 && errno == EINVAL) fd_ = ::open(tmp_.c_str(), kFlags, 0644);  // no O_DIRECT here (tmpfs)
  if (fd_ < 0) throw IoError(err("cannot create", tmp_));
}

FileSink::~FileSink() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(tmp_.c_str());
  }
}

void FileSink::stop_direct() {
  if (!direct_) return;
  int flags = ::fcntl(fd_, F_GETFL);
  if (flags < 0 || ::fcntl(fd_, F_SETFL, flags & ~O_DIRECT) != 0) throw IoError(err("cannot write", tmp_));
  direct_ = false;
}

void FileSink::write_out(bool all) {
  if (!direct_) {
    write_all(fd_, buffer_.get(), used_, tmp_);
    used_ = 0;
    return;
  }
  const std::size_t whole = used_ / kDirectBlockBytes * kDirectBlockBytes;
  std::size_t done = 0;
  while (done < whole) {
    ssize_t n = ::write(fd_, buffer_.get() + done, whole - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EINVAL && done == 0) {  // the file system refuses O_DIRECT after all
      stop_direct();
      write_out(all);
      return;
    }
    if (n < 0) throw IoError(err("cannot write", tmp_));
    done += static_cast<std::size_t>(n);
    if (done % kDirectBlockBytes != 0) {  // a short write off the block grid: the rest through the page cache
      stop_direct();
      write_all(fd_, buffer_.get() + done, used_ - done, tmp_);
      used_ = 0;
      return;
    }
  }
  std::memmove(buffer_.get(), buffer_.get() + whole, used_ - whole);
  used_ -= whole;
  if (all && used_ > 0) {  // the last partial block: through the page cache
    stop_direct();
    write_all(fd_, buffer_.get(), used_, tmp_);
    used_ = 0;
  }
}

void FileSink::write(std::string_view bytes) {
  while (!bytes.empty()) {
    const std::size_t n = std::min(bytes.size(), buffer_bytes_ - used_);
    std::memcpy(buffer_.get() + used_, bytes.data(), n);
    used_ += n;
    bytes.remove_prefix(n);
    if (used_ == buffer_bytes_) write_out(false);
  }
}

void FileSink::flush() { write_out(true); }

void FileSink::sync() {
  write_out(false);
  if (::fdatasync(fd_) != 0) throw IoError(err("cannot sync", tmp_));
}

void FileSink::finish() {
  write_out(true);
  if (::fsync(fd_) != 0) throw IoError(err("cannot sync", tmp_));
  ::close(fd_);
  fd_ = -1;
  fault_point("file.before_rename");
  if (::rename(tmp_.c_str(), path_.c_str()) != 0) throw IoError(err("cannot rename to", path_));
  fault_point("file.after_rename");
}

void write_file_atomically(const std::string& path, const std::string& bytes) {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw IoError(err("cannot create", tmp));
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      throw IoError(err("cannot write", tmp));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    throw IoError(err("cannot sync", tmp));
  }
  ::close(fd);
  fault_point("file.before_rename");
  if (::rename(tmp.c_str(), path.c_str()) != 0) throw IoError(err("cannot rename to", path));
  fault_point("file.after_rename");
}

void make_directories(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw IoError("cannot create folder " + dir + ": " + ec.message());
}

std::string read_file_limited(const std::string& path, std::uint64_t bytes_max) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(err("cannot open", path));
  in.seekg(0, std::ios::end);
  auto size = static_cast<std::uint64_t>(in.tellg());
  if (size > bytes_max)
    throw IoError(path + ": " + std::to_string(size) + " bytes, the limit is " + std::to_string(bytes_max));
  in.seekg(0, std::ios::beg);
  std::string bytes(size, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  if (static_cast<std::uint64_t>(in.gcount()) != size) throw IoError("short read of " + path);
  return bytes;
}

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

std::string move_into(const std::string& file, const std::string& dir, bool sync) {
  make_directories(dir);
  std::string name = fs::path(file).filename().string();
  std::string target = (fs::path(dir) / name).string();
  for (int i = 1; file_exists(target) && i < 10000; ++i) target = (fs::path(dir) / (name + "." + std::to_string(i))).string();
  if (::rename(file.c_str(), target.c_str()) != 0) throw IoError(err("cannot move " + file + " to", target));
  if (sync) {
    fsync_directory(dir);
    fsync_directory(fs::path(file).parent_path().empty() ? "." : fs::path(file).parent_path().string());
  }
  return target;
}

}  // namespace relief
