// Writing a file so that a crash or a failure never leaves it half-written: what the command line
// uses for every file it writes (an export, a report, the pack), and what an embedding service may
// use for its own.
//
// Thread-safety: one writer per path at a time; different paths from any thread.
#pragma once

#include <functional>
#include <ostream>
#include <string>

namespace fundledger {

// Writes path by way of a file beside it (path + ".partial"): write(partial) creates and fills that
// file; it is then flushed to the disk, renamed over path, and the folder flushed for the new name.
// path then holds either what it held before or everything written, even if the machine stops.
// A failure (of write, or of the disk) removes the partial file, leaves path as it was, and throws
// Error(output_uncreatable) naming path; an Error that write throws passes through unchanged.
void write_file_atomically(const std::string& path, const std::function<void(const std::string& partial)>& write);

// The same, through a stream: write(stream) fills the partial file.
void write_file_atomically(const std::string& path, const std::function<void(std::ostream& stream)>& write);

}  // namespace fundledger
