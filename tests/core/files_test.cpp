// Tests of the file layer: a file written atomically is either what it was or all that was written,
// never a partial file left behind; the lock beside a file admits one holder; a temporary file goes
// when it goes out of scope.
#include "core/files.hpp"

#include <fundledger/error.hpp>
#include <fundledger/files.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include <unistd.h>

namespace fs = std::filesystem;
using fundledger::Error;
using fundledger::ErrorCode;

namespace {

// A fresh folder under the system's temporary folder, removed at the end of the test.
struct Folder {
  Folder() : path(fs::temp_directory_path() / ("fundledger-files-test-" + std::to_string(::getpid()))) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~Folder() { fs::remove_all(path); }
  std::string file(const std::string& name) const { return (path / name).string(); }
  fs::path path;
};

std::string contents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("A file written atomically holds all that was written and leaves no partial file") {
  Folder folder;
  const std::string target = folder.file("export.jsonl");
  fundledger::write_file_atomically(target, [](std::ostream& out) { out << "line 1\nline 2\n"; });
  CHECK(contents(target) == "line 1\nline 2\n");
  CHECK_FALSE(fs::exists(target + ".partial"));

  SECTION("written again, it is replaced whole") {
    fundledger::write_file_atomically(target, [](const std::string& partial) {
      std::ofstream(partial, std::ios::binary) << "replaced";
    });
    CHECK(contents(target) == "replaced");
    CHECK_FALSE(fs::exists(target + ".partial"));
  }
  SECTION("a writer that fails with an Error leaves the file as it was, the Error unchanged") {
    try {
      fundledger::write_file_atomically(target, [](std::ostream& out) {
        out << "half";
        throw Error(ErrorCode::bad_input, "line 7: not an event");
      });
      FAIL("no error");
    } catch (const Error& error) {
      CHECK(error.code() == ErrorCode::bad_input);
      CHECK(std::string(error.what()) == "line 7: not an event");
    }
    CHECK(contents(target) == "line 1\nline 2\n");
    CHECK_FALSE(fs::exists(target + ".partial"));
  }
  SECTION("a writer that fails otherwise gives output_uncreatable naming the file and the cause") {
    try {
      fundledger::write_file_atomically(target, [](std::ostream& out) {
        out << "half";
        throw std::runtime_error("disk full");
      });
      FAIL("no error");
    } catch (const Error& error) {
      CHECK(error.code() == ErrorCode::output_uncreatable);
      CHECK(std::string(error.what()) == "cannot write " + target + ": disk full");
    }
    CHECK(contents(target) == "line 1\nline 2\n");
    CHECK_FALSE(fs::exists(target + ".partial"));
  }
}

TEST_CASE("A file in a folder that does not exist is refused as output_uncreatable, nothing made") {
  Folder folder;
  const std::string target = folder.file("missing/report.html");
  try {
    fundledger::write_file_atomically(target, [](std::ostream& out) { out << "<html>"; });
    FAIL("no error");
  } catch (const Error& error) {
    CHECK(error.code() == ErrorCode::output_uncreatable);
    CHECK(std::string(error.what()).rfind("cannot create " + target + ": ", 0) == 0);
  }
  CHECK_FALSE(fs::exists(folder.file("missing")));
}

TEST_CASE("The lock beside a file admits one holder, and its file goes with it") {
  Folder folder;
  const std::string lock_path = folder.file("ledger.db.replaying.lock");
  {
    const fundledger::detail::FileLock first(lock_path, "cannot create the ledger x", "another replay is building it");
    CHECK(fs::exists(lock_path));
    try {
      const fundledger::detail::FileLock second(lock_path, "cannot create the ledger x", "another replay is building it");
      FAIL("locked twice");
    } catch (const Error& error) {
      CHECK(error.code() == ErrorCode::output_uncreatable);
      CHECK(std::string(error.what()) == "cannot create the ledger x: another replay is building it");
    }
  }
  CHECK_FALSE(fs::exists(lock_path));
  const fundledger::detail::FileLock again(lock_path, "cannot create the ledger x", "another replay is building it");
  CHECK(fs::exists(lock_path));
}

TEST_CASE("A temporary file exists while in scope and is removed after") {
  std::string path;
  {
    const fundledger::detail::TemporaryFile file("fundledger-files-test");
    path = file.path();
    CHECK(fs::exists(path));
    CHECK(fs::path(path).filename().string().rfind("fundledger-files-test-", 0) == 0);
  }
  CHECK_FALSE(fs::exists(path));
}
