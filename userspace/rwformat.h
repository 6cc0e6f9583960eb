/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rustwhere: the output for people: reading view, search results, table.
 *
 * Everything is wrapped by display columns, not bytes, and no line is
 * wider than the width asked for.  Lines break at spaces only; a word wider
 * than the line is cut between characters, never inside one.  Text is
 * measured with wcwidth() (rwutf8.c); the table is laid out, wrapped and
 * printed here too (rwformat.c).
 */
#ifndef RW_FORMAT_H
#define RW_FORMAT_H

#include <stdbool.h>
#include <stddef.h>

#include "rwcols.h"
#include "rwparse.h"
#include "rwsearch.h"
#include "rwutil.h"

#define RW_WIDTH_MIN	20
#define RW_WIDTH_MAX	1000

struct rw_style {
	size_t width;		/* RW_WIDTH_MIN to RW_WIDTH_MAX columns */
	bool color;		/* bold headings, highlighted matches */
};

/* Each returns 0, or -1 when out of memory. */
int rw_format_domain(struct rw_buf *out, const struct rw_domain *dom,
		     const struct rw_style *st);
int rw_format_about(struct rw_buf *out, const struct rw_about *about,
		    const struct rw_style *st);
int rw_format_matches(struct rw_buf *out, const struct rw_results *res,
		      const struct rw_domain *const *doms,
		      const struct rw_style *st);
/* The table for people: laid out, wrapped and printed here. */
int rw_format_table(struct rw_buf *out, const struct rw_table *t,
		    const struct rw_style *st);

#endif /* RW_FORMAT_H */
