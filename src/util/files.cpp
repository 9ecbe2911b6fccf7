#include "src/util/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
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
constexpr std::size_t kSinkBufferBytes = 1 << 20;
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
}  // namespace

FileSink::FileSink(std::string path) : path_(std::move(path)), tmp_(path_ + ".tmp") {
  fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) throw IoError(err("cannot create", tmp_));
  buffer_.reserve(kSinkBufferBytes);
}

FileSink::~FileSink() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(tmp_.c_str());
  }
}

void FileSink::flush() {
  write_all(fd_, buffer_.data(), buffer_.size(), tmp_);
  buffer_.clear();
}

void FileSink::write(std::string_view bytes) {
  if (buffer_.size() + bytes.size() > kSinkBufferBytes) flush();
  if (bytes.size() > kSinkBufferBytes) write_all(fd_, bytes.data(), bytes.size(), tmp_);
  else buffer_.append(bytes);
}

void FileSink::sync() {
  flush();
  if (::fdatasync(fd_) != 0) throw IoError(err("cannot sync", tmp_));
}

void FileSink::finish() {
  flush();
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
