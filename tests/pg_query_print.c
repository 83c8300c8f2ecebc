/* pg_query_print.c - runs fs_pg_query_print (the function flowstore_pg.c
 * offers tools that query a flowstore database in PostgreSQL) for
 * tests/flowstore-pg-query-print.sh: pg_query_print CONNINFO SQL. */
#include <stdio.h>
#include "flowstore_db.h"
#include "flowstore_pg.h"

int main(int argc, char **argv)
{
    char err[FS_ERRBUF];
    if (argc != 3) {
        fprintf(stderr, "usage: pg_query_print CONNINFO SQL\n");
        return 2;
    }
    if (fs_pg_query_print(argv[1], argv[2], stdout, "|", "NULL", err, sizeof err) != 0) {
        fprintf(stderr, "pg_query_print: %s\n", err);
        return 1;
    }
    return 0;
}
