// The file system, as the library uses it (core/files.hpp, fundledger/files.hpp).
#include "core/files.hpp"

#include <fundledger/error.hpp>
#include <fundledger/files.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace fundledger::detail {

FileLock::FileLock(std::string path, const std::string& what, const std::string& held_by)
    : path_(std::move(path)), descriptor_(::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644)) {
  if (descriptor_ < 0) throw Error(ErrorCode::output_uncreatable, what + ": " + std::strerror(errno));
  if (::flock(descriptor_, LOCK_EX | LOCK_NB) != 0) {
    ::close(descriptor_);
    throw Error(ErrorCode::output_uncreatable, what + ": " + held_by);
  }
}

FileLock::~FileLock() {
  ::unlink(path_.c_str());
  ::close(descriptor_);
}

TemporaryFile::TemporaryFile(const std::string& prefix) {
  std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
  const int descriptor = ::mkstemp(pattern.data());
  if (descriptor < 0) throw Error(ErrorCode::output_uncreatable, "cannot create a temporary file in " + pattern);
  ::close(descriptor);
  path_ = pattern;
}

TemporaryFile::~TemporaryFile() {
  std::error_code ignored;
  std::filesystem::remove(path_, ignored);
}

bool sync_path(const std::string& path) {
  const int descriptor = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (descriptor < 0) return false;
  const bool synced = ::fsync(descriptor) == 0;
  const int saved = errno;
  ::close(descriptor);
  errno = saved;
  return synced;
}

std::string publish_file(const std::string& finished, const std::string& target) {
  if (!sync_path(finished)) return std::strerror(errno);
  std::error_code renamed;
  std::filesystem::rename(finished, target, renamed);
  if (renamed) return renamed.message();
  // The name reaches the disk with its folder; the file is whole under one name or the other.
  const std::filesystem::path folder = std::filesystem::path(target).parent_path();
  sync_path(folder.empty() ? std::string(".") : folder.string());
  return {};
}

}  // namespace fundledger::detail

namespace fundledger {

void write_file_atomically(const std::string& path, const std::function<void(const std::string& partial)>& write) {
  const std::string partial = path + ".partial";
  const auto fail = [&](const std::string& why) {
    std::remove(partial.c_str());
    throw Error(ErrorCode::output_uncreatable, "cannot write " + path + (why.empty() ? "" : ": " + why));
  };
  try {
    write(partial);
  } catch (const Error&) {
    std::remove(partial.c_str());
    throw;
  } catch (const std::exception& error) {
    fail(error.what());
  }
  const std::string problem = detail::publish_file(partial, path);
  if (!problem.empty()) fail(problem);
}

void write_file_atomically(const std::string& path, const std::function<void(std::ostream& stream)>& write) {
  write_file_atomically(path, [&](const std::string& partial) {
    std::ofstream file(partial, std::ios::binary | std::ios::trunc);
    if (!file) throw Error(ErrorCode::output_uncreatable, "cannot create " + path + ": " + std::strerror(errno));
    write(file);
    file.close();
    if (!file) throw Error(ErrorCode::output_uncreatable, "cannot write " + path);
  });
}

}  // namespace fundledger
