/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rustwhere: read the files of a root directory, /proc/rustwhere or another
 * with the same layout.
 */
#ifndef RW_ROOT_H
#define RW_ROOT_H

#include "rwparse.h"
#include "rwutil.h"

#define RW_DEFAULT_ROOT "/proc/rustwhere"

struct rw_root {
	char *path;		/* as given, for messages */
	int dirfd;
	struct rw_index index;
};

/*
 * Open @path and read its index.  Returns 0, or a negative RW_E* code:
 * -RW_ENOROOT when @path does not exist, -RW_EIO when it or the index
 * cannot be read, -RW_EFORMAT when the index is malformed.
 */
int rw_root_open(struct rw_root *root, const char *path, struct rw_error *err);
void rw_root_close(struct rw_root *root);

/* Read and parse one domain; @name must be listed in the index. */
int rw_root_load_domain(struct rw_root *root, const char *name,
			struct rw_domain *dom, struct rw_error *err);
int rw_root_load_about(struct rw_root *root, struct rw_about *about,
		       struct rw_error *err);

#endif /* RW_ROOT_H */
