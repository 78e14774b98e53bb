// Private: what the library asks of the file system besides its stores: a lock beside a file, a
// temporary file, flushing a file or a folder to the disk, and putting a finished file in place.
// One place for them: the rest of the library takes its locks, syncs and temporary files from here.
#pragma once

#include <string>

namespace fundledger::detail {

// An exclusive lock on a file beside what it guards (created if missing), held until destruction,
// which removes the file. A process killed while holding it leaves the file unlocked for the next.
class FileLock {
 public:
  // Throws Error(output_uncreatable) "<what>: <reason>" when the file cannot be made, and
  // "<what>: <held_by>" when another process holds the lock.
  FileLock(std::string path, const std::string& what, const std::string& held_by);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  std::string path_;
  int descriptor_;
};

// An empty file in the system's temporary folder, named from prefix, removed at destruction.
class TemporaryFile {
 public:
  explicit TemporaryFile(const std::string& prefix);
  ~TemporaryFile();
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Flushes a file, or a folder's entries, to the disk; false (errno set) when it cannot.
bool sync_path(const std::string& path);

// Puts a finished file in place: flushes it, renames it to target, flushes target's folder. Returns
// an empty string, or what failed (the finished file is then left where it was).
std::string publish_file(const std::string& finished, const std::string& target);

}  // namespace fundledger::detail
