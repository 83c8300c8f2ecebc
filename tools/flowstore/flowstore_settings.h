/* flowstore_settings.h - the replay settings that make a capture's flows
 * what they are, as one canonical string: with the file's SHA-256 it is
 * a stored capture's identity (captures.settings). */
#ifndef FLOWSTORE_SETTINGS_H
#define FLOWSTORE_SETTINGS_H

#include <stddef.h>
#include <time.h>
#include "fk_cli.h"
#include "fk_zeek_cli.h"

/* Writes the effective settings of a run (after the Zeek options are
 * resolved, as flowstore.c does before storing) into buf: the same
 * string for the same flows however the options were spelt (300 or 5m,
 * in any order, a default given or not). `lsp` is the
 * --likely-server-ports list as given, or NULL. Returns 0, or -1 when
 * cap is too small. */
int fs_settings_key(const fk_replay_cli *cli, const fk_zeek_cli *zc, const char *lsp,
                    char *buf, size_t cap);

#endif
