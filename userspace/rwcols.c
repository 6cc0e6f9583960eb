// SPDX-License-Identifier: GPL-2.0
/*
 * rustwhere: output columns, and tables printed with libsmartcols.
 *
 * libsmartcols does the quoting of the machine-readable formats, the same
 * way lsblk and findmnt do: -J is JSON (PROJECTS an array, SCORE a number),
 * -P is KEY="value" with anything unsafe for a shell as \xHH, -r is raw
 * with spaces and non-ASCII as \xHH.  Those three print the same bytes in
 * every locale.
 *
 * The table for people is not libsmartcols': rwformat.c lays it out,
 * wraps its cells at spaces and prints it.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libsmartcols.h>

#include "rwcols.h"

const struct rw_coldesc rw_columns[RW_NCOLS] = {
	[RW_COL_NAME]     = { "NAME",     "domain name, as in the index",   false, false, false },
	[RW_COL_TITLE]    = { "TITLE",    "title of the domain",            false, true,  false },
	[RW_COL_SUMMARY]  = { "SUMMARY",  "one-sentence summary",           false, true,  false },
	[RW_COL_PROJECTS] = { "PROJECTS", "projects, comma-separated",      false, true,  false },
	[RW_COL_BODY]     = { "BODY",     "the full text",                  false, true,  false },
	[RW_COL_SCORE]    = { "SCORE",    "search: how well the domain matches", true, false, true },
	[RW_COL_MATCH]    = { "MATCH",    "search: the sentence that matches best", true, true, false },
};

static int column_by_name(const char *name, size_t len)
{
	int i;

	for (i = 0; i < RW_NCOLS; i++)
		if (strlen(rw_columns[i].name) == len &&
		    strncasecmp(rw_columns[i].name, name, len) == 0)
			return i;
	return -1;
}

static int add_column(int id, bool search, int *cols, size_t *ncols,
		      struct rw_error *err)
{
	size_t i;

	if (rw_columns[id].search_only && !search)
		return rw_error_set(err, RW_EUSAGE,
			"column %s exists only for search", rw_columns[id].name);
	for (i = 0; i < *ncols; i++)
		if (cols[i] == id)
			return rw_error_set(err, RW_EUSAGE,
				"column %s given twice", rw_columns[id].name);
	cols[(*ncols)++] = id;
	return 0;
}

int rw_parse_columns(const char *list, const int *defaults, size_t ndefaults,
		     bool search, int *cols, size_t *ncols,
		     struct rw_error *err)
{
	const char *p = list;
	size_t i;
	int rc;

	*ncols = 0;
	if (*p == '+') {
		for (i = 0; i < ndefaults; i++)
			cols[(*ncols)++] = defaults[i];
		p++;
	}
	for (;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		int id = column_by_name(p, len);

		if (id < 0)
			return rw_error_set(err, RW_EUSAGE, "unknown column: '%.*s'",
					    (int)(len < 64 ? len : 64), p);
		rc = add_column(id, search, cols, ncols, err);
		if (rc)
			return rc;
		if (!end)
			break;
		p = end + 1;
	}
	return 0;
}

const char *rw_cell_text(const struct rw_row *row, int col, char *tmp,
			 size_t tmpsz)
{
	switch (col) {
	case RW_COL_NAME:
		return row->dom->name;
	case RW_COL_TITLE:
		return row->dom->title;
	case RW_COL_SUMMARY:
		return row->dom->summary;
	case RW_COL_PROJECTS:
		return row->dom->projects;
	case RW_COL_BODY:
		return row->dom->body;
	case RW_COL_SCORE:
		snprintf(tmp, tmpsz, "%lu", row->match ? row->match->score : 0UL);
		return tmp;
	case RW_COL_MATCH:
		return row->match && row->match->sentence ? row->match->sentence : "";
	}
	return "";
}

/* The projects one a line: libsmartcols makes a JSON array of the lines. */
static char *projects_lines(const struct rw_domain *dom)
{
	char *s = NULL;
	size_t len, i;
	FILE *fp = open_memstream(&s, &len);

	if (!fp)
		return NULL;
	for (i = 0; i < dom->nprojects; i++)
		fprintf(fp, "%s%s", i ? "\n" : "", dom->project[i]);
	if (fclose(fp)) {
		free(s);
		return NULL;
	}
	return s;
}

static int new_column(struct libscols_table *tb, int id,
		      enum rw_scols_mode mode)
{
	struct libscols_column *cl;

	cl = scols_table_new_column(tb, rw_columns[id].name, 0,
				    rw_columns[id].right ? SCOLS_FL_RIGHT : 0);
	if (!cl)
		return -1;
	if (mode != RW_SCOLS_JSON)
		return 0;
	if (id == RW_COL_SCORE)
		return scols_column_set_json_type(cl, SCOLS_JSON_NUMBER);
	if (id == RW_COL_PROJECTS) {
		if (scols_column_set_flags(cl, SCOLS_FL_WRAP) ||
		    scols_column_set_json_type(cl, SCOLS_JSON_ARRAY_STRING) ||
		    scols_column_set_wrapfunc(cl, scols_wrapnl_chunksize,
					      scols_wrapnl_nextchunk, NULL))
			return -1;
	}
	return 0;
}

static int new_line(struct libscols_table *tb, const struct rw_table *t,
		    const struct rw_row *row, enum rw_scols_mode mode)
{
	struct libscols_line *ln = scols_table_new_line(tb, NULL);
	char tmp[32];
	size_t i;

	if (!ln)
		return -1;
	for (i = 0; i < t->ncols; i++) {
		int rc;

		if (t->cols[i] == RW_COL_PROJECTS && mode == RW_SCOLS_JSON) {
			char *s = projects_lines(row->dom);

			if (!s)
				return -1;
			rc = scols_line_refer_data(ln, i, s);	/* takes s */
			if (rc)
				free(s);
		} else {
			rc = scols_line_set_data(ln, i,
				rw_cell_text(row, t->cols[i], tmp, sizeof(tmp)));
		}
		if (rc)
			return -1;
	}
	return 0;
}

static int set_mode(struct libscols_table *tb, enum rw_scols_mode mode)
{
	if (mode == RW_SCOLS_JSON)
		return scols_table_enable_json(tb, 1);
	if (mode == RW_SCOLS_PAIRS)
		return scols_table_enable_export(tb, 1);
	return scols_table_enable_raw(tb, 1);
}

static int fill_table(struct libscols_table *tb, const struct rw_table *t,
		      enum rw_scols_mode mode)
{
	size_t i;

	if (scols_table_set_name(tb, t->name) || set_mode(tb, mode) ||
	    (mode == RW_SCOLS_RAW &&
	     scols_table_enable_noheadings(tb, t->noheadings)))
		return -1;
	for (i = 0; i < t->ncols; i++)
		if (new_column(tb, t->cols[i], mode))
			return -1;
	for (i = 0; i < t->nrows; i++)
		if (new_line(tb, t, &t->rows[i], mode))
			return -1;
	return 0;
}

/* The JSON type libsmartcols gives a column's values. */
static const char *json_type(int id)
{
	return id == RW_COL_SCORE ? "number" :
	       id == RW_COL_PROJECTS ? "array-string" : "string";
}

int rw_scols_list_columns(enum rw_scols_mode mode, bool human, FILE *out,
			  struct rw_error *err)
{
	struct libscols_table *tb = scols_new_table();
	int rc = -1, i;

	if (!tb)
		return rw_error_set(err, RW_ENOMEM, "out of memory");
	if (scols_table_set_name(tb, "columns") || (!human && set_mode(tb, mode)) ||
	    !scols_table_new_column(tb, "NAME", 0, 0) ||
	    !scols_table_new_column(tb, "TYPE", 0, 0) ||
	    !scols_table_new_column(tb, "DESCRIPTION", 0, 0))
		goto out;
	for (i = 0; i < RW_NCOLS; i++) {
		struct libscols_line *ln = scols_table_new_line(tb, NULL);

		if (!ln || scols_line_set_data(ln, 0, rw_columns[i].name) ||
		    scols_line_set_data(ln, 1, json_type(i)) ||
		    scols_line_set_data(ln, 2, rw_columns[i].help))
			goto out;
	}
	rc = scols_table_set_stream(tb, out) || scols_print_table(tb);
out:
	scols_unref_table(tb);
	if (rc)
		return rw_error_set(err, RW_ENOMEM, "cannot print the columns");
	return 0;
}

int rw_scols_print(const struct rw_table *t, enum rw_scols_mode mode,
		   FILE *out, char **str, struct rw_error *err)
{
	struct libscols_table *tb = scols_new_table();
	int rc;

	if (!tb)
		return rw_error_set(err, RW_ENOMEM, "out of memory");
	rc = fill_table(tb, t, mode);
	if (rc == 0) {
		if (out)
			rc = scols_table_set_stream(tb, out) || scols_print_table(tb);
		else
			rc = scols_print_table_to_string(tb, str);
	}
	scols_unref_table(tb);
	if (rc)
		return rw_error_set(err, RW_ENOMEM, "cannot print the table");
	return 0;
}
