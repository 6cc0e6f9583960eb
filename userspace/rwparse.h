/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rustwhere: parse the text of the files under /proc/rustwhere.
 *
 * Every file is UTF-8 text of "key: value" lines (see proc_rustwhere(5)):
 * a lowercase key, a colon, one space and a non-empty one-line value, each
 * line ending with a newline.  The parsers check all of it and report the
 * first fault with the file's path and the line number.
 */
#ifndef RW_PARSE_H
#define RW_PARSE_H

#include <stddef.h>

#include "rwutil.h"

#define RW_FILE_MAX	(64 * 1024)	/* bytes read from one file at most */
#define RW_DOMAINS_MAX	1024		/* domains the index may list */

/* One "name: title" line of the index. */
struct rw_index_entry {
	char *name;
	char *title;
};

struct rw_index {
	struct rw_index_entry *v;
	size_t n;
};

/* One domain file. */
struct rw_domain {
	char *name;
	char *title;
	char *summary;
	char *projects;		/* as in the file: "a, b, c" */
	char *body;
	char **project;		/* the same list split at the commas */
	size_t nprojects;
};

/* The about file. */
struct rw_about {
	char *title;
	char *claim;
	char *pattern;
};

/*
 * Each parser takes the whole file in @buf (@len bytes, no NUL needed) and
 * @path for messages.  It returns 0, or a negative RW_E* code with @err
 * filled in; on failure the output structure is left empty.
 */
int rw_parse_index(const char *buf, size_t len, const char *path,
		   struct rw_index *idx, struct rw_error *err);
int rw_parse_domain(const char *buf, size_t len, const char *path,
		    const char *expect_name, struct rw_domain *dom,
		    struct rw_error *err);
int rw_parse_about(const char *buf, size_t len, const char *path,
		   struct rw_about *about, struct rw_error *err);

void rw_index_free(struct rw_index *idx);
void rw_domain_free(struct rw_domain *dom);
void rw_about_free(struct rw_about *about);

/* The entry named @name, or NULL. */
const struct rw_index_entry *rw_index_find(const struct rw_index *idx,
					   const char *name);


#endif /* RW_PARSE_H */
