/*
 * Internal to store/: the SQLite backend. The functions of store.h that work
 * on a connection or statement are implemented in store_sqlite.c; when a
 * second backend arrives they dispatch on the connection's backend.
 */
#ifndef CC_STORE_SQLITE_H
#define CC_STORE_SQLITE_H

#include "store/store.h"

/* Opens (creating if needed) the database file PATH in WAL mode. */
int store_sqlite_open(const char *path, struct store **out) __attribute__((warn_unused_result));

#endif
