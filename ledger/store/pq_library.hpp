// Private: libpq, PostgreSQL's client library, loaded when a ledger on PostgreSQL is first opened.
//
// The program does not link libpq: loading it and everything it needs (TLS, Kerberos, LDAP) at
// every start would cost each command a few milliseconds, and most ledgers are SQLite files. The
// functions the driver calls are looked up once, with dlopen, from libpq.so.5 (Debian's libpq5).
#pragma once

#include <libpq-fe.h>

namespace fundledger::store {

#define FUNDLEDGER_PQ_FUNCTIONS(X)                                                                           \
  X(PQconnectdb) X(PQstatus) X(PQerrorMessage) X(PQfinish) X(PQexec) X(PQprepare) X(PQexecPrepared)           \
  X(PQexecParams) X(PQresultStatus) X(PQresultErrorField) X(PQresultErrorMessage) X(PQclear) X(PQgetisnull)   \
  X(PQgetvalue) X(PQnfields) X(PQntuples) X(PQtransactionStatus) X(PQenterPipelineMode) X(PQexitPipelineMode) \
  X(PQpipelineSync) X(PQsendQueryPrepared) X(PQgetResult)

struct PqLibrary {
#define FUNDLEDGER_PQ_MEMBER(name) decltype(&::name) name = nullptr;
  FUNDLEDGER_PQ_FUNCTIONS(FUNDLEDGER_PQ_MEMBER)
#undef FUNDLEDGER_PQ_MEMBER
};

// The functions of libpq, loaded on first use (thread-safe). Throws Error (storage) when libpq.so.5
// is not installed or lacks one of them (older than PostgreSQL 14's, which brought pipelines).
const PqLibrary& pq();

}  // namespace fundledger::store
