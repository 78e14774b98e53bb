// Loading libpq (see pq_library.hpp).
#include "store/pq_library.hpp"

#include <fundledger/error.hpp>

#include <dlfcn.h>

#include <string>

namespace fundledger::store {

namespace {

PqLibrary load() {
  void* library = ::dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    throw Error(ErrorCode::storage, std::string("PostgreSQL's client library cannot be loaded (") + ::dlerror() +
                                        "): install it (Debian: apt-get install libpq5)");
  }
  PqLibrary functions;
#define FUNDLEDGER_PQ_LOAD(name)                                                                                  \
  functions.name = reinterpret_cast<decltype(functions.name)>(::dlsym(library, #name));                          \
  if (!functions.name) {                                                                                        \
    throw Error(ErrorCode::storage, "PostgreSQL's client library lacks " #name ": install libpq5 of PostgreSQL 14 " \
                                    "or later");                                                                \
  }
  FUNDLEDGER_PQ_FUNCTIONS(FUNDLEDGER_PQ_LOAD)
#undef FUNDLEDGER_PQ_LOAD
  return functions;  // the library stays loaded for the life of the program
}

}  // namespace

const PqLibrary& pq() {
  static const PqLibrary functions = load();
  return functions;
}

}  // namespace fundledger::store
