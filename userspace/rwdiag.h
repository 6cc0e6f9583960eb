/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rustwhere: why /proc/rustwhere is not there, for the running kernel.
 *
 * The diagnosis reads three places of the system, those of rw_diag_paths;
 * RUSTWHERE_SYSROOT, a directory, is put before each of them (for tests).
 */
#ifndef RW_DIAG_H
#define RW_DIAG_H

#include <stdbool.h>
#include <stddef.h>

#include "rwutil.h"

#define RW_DIAG_SYSROOT_ENV "RUSTWHERE_SYSROOT"

enum {
	RW_DIAG_MODULES,	/* /lib/modules: RELEASE/ ... /rustwhere.ko* */
	RW_DIAG_SYSMODULE,	/* /sys/module: rustwhere/ while it is loaded */
	RW_DIAG_EFIVARS,	/* /sys/firmware/efi/efivars: SecureBoot-... */
	RW_DIAG_NPATHS,
};

extern const char *const rw_diag_paths[RW_DIAG_NPATHS];

#define RW_DIAG_PATH_SIZE	(4096 + 256)

struct rw_diag {
	char release[65];	/* uname -r */
	char modules[RW_DIAG_PATH_SIZE];	/* /lib/modules/RELEASE */
	char ko[RW_DIAG_PATH_SIZE];	/* the rustwhere.ko* found, or "" */
	bool loaded;		/* /sys/module/rustwhere exists */
	char version[64];	/* its version file, or "" */
	bool secure_boot;	/* the SecureBoot efivar says on */
};

/*
 * Whether the module is loaded, and its version into @version (""
 * when it cannot be read).  @sysroot may be NULL or "".
 */
bool rw_diag_loaded(const char *sysroot, char *version, size_t size);

/* All of the above, for the running kernel; only the not-there case needs it. */
void rw_diag_probe(struct rw_diag *d, const char *sysroot);

/*
 * Why @root (the default root) does not exist, for a module that is not
 * loaded: one line or more, each ready for "rustwhere: ", into @out.
 * Returns 0, or -1 when out of memory.
 */
int rw_diag_explain(const struct rw_diag *d, const char *root,
		    struct rw_buf *out);

#endif /* RW_DIAG_H */
