/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rustwhere: output columns, and the tables printed with libsmartcols:
 * JSON, pairs, raw and the list of columns (the table for people is
 * rwformat.c's).
 */
#ifndef RW_COLS_H
#define RW_COLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "rwparse.h"
#include "rwsearch.h"
#include "rwutil.h"

enum rw_colid {
	RW_COL_NAME,
	RW_COL_TITLE,
	RW_COL_SUMMARY,
	RW_COL_PROJECTS,
	RW_COL_BODY,
	RW_COL_SCORE,
	RW_COL_MATCH,
	RW_NCOLS
};

struct rw_coldesc {
	const char *name;
	const char *help;
	bool search_only;	/* SCORE and MATCH exist for search only */
	bool flexible;		/* a table may narrow and wrap it first */
	bool right;		/* right-aligned in a table */
};

extern const struct rw_coldesc rw_columns[RW_NCOLS];

/* One row: a domain and, for search, how it matched. */
struct rw_row {
	const struct rw_domain *dom;
	const struct rw_match *match;
};

/* What a table shows. */
struct rw_table {
	const char *name;	/* JSON array name: "domains" or "matches" */
	const int *cols;
	size_t ncols;
	const struct rw_row *rows;
	size_t nrows;
	bool noheadings;
};

/* Output formats libsmartcols produces for scripts. */
enum rw_scols_mode {
	RW_SCOLS_JSON,
	RW_SCOLS_PAIRS,
	RW_SCOLS_RAW,
};

/*
 * Parse an --output list ("NAME,TITLE", any case; "+LIST" adds to the
 * @defaults) into @cols (room for RW_NCOLS).  Returns 0 or -RW_EUSAGE.
 */
int rw_parse_columns(const char *list, const int *defaults, size_t ndefaults,
		     bool search, int *cols, size_t *ncols,
		     struct rw_error *err);

/* The text of a cell; @tmp (at least 32 bytes) holds numbers. */
const char *rw_cell_text(const struct rw_row *row, int col, char *tmp,
			 size_t tmpsz);

/*
 * Print @t in @mode with libsmartcols to @out, or, when @out is NULL, into
 * a new string *@str (free() it).  Returns 0 or a negative RW_E* code.
 */
int rw_scols_print(const struct rw_table *t, enum rw_scols_mode mode,
		   FILE *out, char **str, struct rw_error *err);

/*
 * List the columns -o takes (-H, --list-columns): name, JSON type and
 * description, as a table for people when @human is set, else in @mode.
 */
int rw_scols_list_columns(enum rw_scols_mode mode, bool human, FILE *out,
			  struct rw_error *err);

#endif /* RW_COLS_H */
