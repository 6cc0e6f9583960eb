// SPDX-License-Identifier: GPL-2.0
/*
 * What a wrap function (scols_column_set_wrapfunc()) is asked, in this
 * libsmartcols.  Its contract changed in 2.40, which is why the reader
 * wraps the table's cells itself (README, "Libraries") rather than
 * letting libsmartcols lay them out:
 *
 *  - measuring: 2.38 asks wrap_chunksize() for a cell's width; from 2.40
 *    chunksize is ignored and the library measures each chunk that
 *    wrap_nextchunk() returns, calling it before the column has a width
 *    (scols_column_get_width() is 0), so a wrap function cannot break a
 *    cell to the width, and a column that wraps is as wide as its widest
 *    chunk or as libsmartcols' own narrowing leaves it;
 *  - the end: 2.38 takes the end of the text as the last chunk; from
 *    2.40 that empty chunk is asked for its next chunk again, for ever
 *    unless the function returns NULL, which 2.38 in turn prints from a
 *    copy of the cell's text.
 *
 * Prints the version and what it saw, "chunksize|unsized done|again",
 * for tests/host/ts/scols.sh to hold against the version.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libsmartcols.h>

static bool chunksize_asked, unsized, again;
static int calls;

static size_t chunksize(const struct libscols_column *cl __attribute__((unused)),
			const char *data,
			void *userdata __attribute__((unused)))
{
	chunksize_asked = true;
	return strlen(data);
}

/* A chunk a word; the last one ends at the end of the text (2.38's way). */
static char *nextchunk(const struct libscols_column *cl, char *data,
		       void *userdata __attribute__((unused)))
{
	char *sp;

	if (scols_column_get_width(cl) == 0)
		unsized = true;
	if (!*data)
		again = true;
	if (++calls > 50)		/* 2.40 would go on for ever */
		return NULL;
	sp = strchr(data, ' ');
	if (!sp)
		return data + strlen(data);
	*sp = '\0';
	return sp + 1;
}

int main(void)
{
	struct libscols_table *tb = scols_new_table();
	struct libscols_column *cl;
	struct libscols_line *ln;
	const char *version = NULL;
	char *out = NULL;

	if (!tb || scols_table_set_termwidth(tb, 20) ||
	    scols_table_set_termforce(tb, SCOLS_TERMFORCE_ALWAYS) ||
	    scols_table_enable_noheadings(tb, 1))
		return 2;
	cl = scols_table_new_column(tb, "A", 0, SCOLS_FL_WRAP);
	if (!cl || scols_column_set_wrapfunc(cl, chunksize, nextchunk, NULL))
		return 2;
	ln = scols_table_new_line(tb, NULL);
	if (!ln || scols_line_set_data(ln, 0, "aaa bbb") ||
	    scols_print_table_to_string(tb, &out))
		return 2;
	scols_get_library_version(&version);
	printf("%s %s %s\n", version, chunksize_asked && !unsized ? "chunksize" : "unsized",
	       again ? "again" : "done");
	free(out);
	scols_unref_table(tb);
	return 0;
}
