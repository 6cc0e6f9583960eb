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
 * It lays out the table for people too, in the locale main() sets, C.UTF-8
 * whatever the user's is: there it measures text with the C library's
 * wcwidth() and prints it as it is (the text is valid UTF-8 without control
 * characters, rwparse.c makes sure), so that curly quotes and CJK come
 * out as they are.  Where no UTF-8 locale can be set, it prints \xHH for non-ASCII
 * bytes.  rwformat.c wraps the long cells at spaces, to lines libsmartcols
 * prints one under the other.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libsmartcols.h>

#include "rwcols.h"
#include "rwutf8.h"

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
	struct rw_buf b;
	size_t i;

	rw_buf_init(&b);
	for (i = 0; i < dom->nprojects; i++) {
		if (i)
			rw_buf_putc(&b, '\n');
		rw_buf_puts(&b, dom->project[i]);
	}
	if (b.failed || !b.data) {
		rw_buf_free(&b);
		return b.failed ? NULL : strdup("");
	}
	return b.data;
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

static int fill_table(struct libscols_table *tb, const struct rw_table *t,
		      enum rw_scols_mode mode)
{
	size_t i;

	if (scols_table_set_name(tb, t->name))
		return -1;
	switch (mode) {
	case RW_SCOLS_JSON:
		if (scols_table_enable_json(tb, 1))
			return -1;
		break;
	case RW_SCOLS_PAIRS:
		if (scols_table_enable_export(tb, 1))
			return -1;
		break;
	case RW_SCOLS_RAW:
		if (scols_table_enable_raw(tb, 1) ||
		    scols_table_enable_noheadings(tb, t->noheadings))
			return -1;
		break;
	}
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
	if (scols_table_set_name(tb, "columns") ||
	    (!human && mode == RW_SCOLS_JSON && scols_table_enable_json(tb, 1)) ||
	    (!human && mode == RW_SCOLS_PAIRS && scols_table_enable_export(tb, 1)) ||
	    (!human && mode == RW_SCOLS_RAW && scols_table_enable_raw(tb, 1)) ||
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

int rw_scols_char_width(const char *s, size_t len, size_t *n)
{
	unsigned char c = (unsigned char)*s;

	*n = 1;
	if (MB_CUR_MAX == 1) {			/* mbs_safe_nwidth() */
		if (c == '\\' && len > 1 && s[1] == 'x')
			return 4;
		return isprint(c) ? 1 : 4;
	}
	if (iscntrl(c))				/* mbs_nwidth() */
		return 0;
	return rw_char_width(s, len, n);	/* wcwidth(), as libsmartcols */
}

size_t rw_scols_width(const char *s, size_t len)
{
	size_t w = 0, i = 0, n;

	while (i < len) {
		int cw = rw_scols_char_width(s + i, len - i, &n);

		w += cw < 0 ? 1 : (size_t)cw;		/* U+FFFD */
		i += n;
	}
	return w;
}

static bool has_lines(const char *const *text, size_t first, size_t step,
		      size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (strchr(text[first + i * step], '\n'))
			return true;
	return false;
}

/*
 * The columns of the table for people, named by the first row of @text
 * when @names is set; @first is the first row of @text to print.  @split:
 * the cells are split into lines of the table, see rw_scols_table().
 */
static int human_columns(struct libscols_table *tb, const struct rw_table *t,
			 const char *const *text, size_t first, bool names,
			 bool split, bool color)
{
	size_t c, nc = t->ncols;

	for (c = 0; c < nc; c++) {
		int fl = rw_columns[t->cols[c]].right ? SCOLS_FL_RIGHT : 0;
		struct libscols_column *cl;

		/* No name without headings: it would make the column wider. */
		cl = scols_table_new_column(tb, names ? text[c] : "", 0, fl);
		if (!cl)
			return -1;
		if (names && color &&
		    scols_cell_set_color(scols_column_get_header(cl), "bold"))
			return -1;
		/* A column of several-line cells, as lsblk's MOUNTPOINTS. */
		if (!split &&
		    has_lines(text, first * nc + c, nc, t->nrows + 1 - first) &&
		    (scols_column_set_flags(cl, fl | SCOLS_FL_WRAP) ||
		     scols_column_set_wrapfunc(cl, scols_wrapnl_chunksize,
					       scols_wrapnl_nextchunk, NULL) ||
		     scols_column_set_safechars(cl, "\n")))
			return -1;
	}
	return 0;
}

/* Add the row of @nc @cells, as one line or, if @split, one a line of theirs. */
static int human_row(struct libscols_table *tb, const char *const *cells,
		     size_t nc, bool split, bool bold)
{
	const char *pos[RW_NCOLS];
	bool more;
	size_t c;

	memcpy(pos, cells, nc * sizeof(*pos));
	do {
		struct libscols_line *ln = scols_table_new_line(tb, NULL);

		if (!ln || (bold && scols_line_set_color(ln, "bold")))
			return -1;
		more = false;
		for (c = 0; c < nc; c++) {
			const char *nl = split ? strchr(pos[c], '\n') : NULL;
			size_t len = nl ? (size_t)(nl - pos[c]) : strlen(pos[c]);
			char *s = rw_strndup(pos[c], len);

			if (!s)
				return -1;
			if (scols_line_refer_data(ln, c, s)) {	/* takes s */
				free(s);
				return -1;
			}
			pos[c] += nl ? len + 1 : len;
			more |= nl != NULL;
		}
	} while (more);
	return 0;
}

int rw_scols_table(const struct rw_table *t, const char *const *text,
		   size_t width, bool color, char **str, struct rw_error *err)
{
	struct libscols_table *tb;
	size_t r, nc = t->ncols;
	bool head_row, split;
	int rc = -1;

	if (nc == 0 || nc > RW_NCOLS)
		return rw_error_set(err, RW_ENOMEM, "cannot print the table");
	tb = scols_new_table();
	if (!tb)
		return rw_error_set(err, RW_ENOMEM, "out of memory");
	/*
	 * Headings of several lines are a first row, as libsmartcols' are
	 * one line; so are those of a table without rows, which it would
	 * not print.
	 */
	head_row = !t->noheadings && (t->nrows == 0 || has_lines(text, 0, 1, nc));
	/*
	 * Where no UTF-8 locale could be set, libsmartcols escapes the bytes
	 * outside ASCII, and 2.38 then misaligns the lines of several-line
	 * cells (it measures each \xHH of theirs as 7 columns): each line
	 * of the cells is a line of the table there.
	 */
	split = MB_CUR_MAX == 1;
	if (scols_table_set_termwidth(tb, width) ||
	    scols_table_set_termforce(tb, SCOLS_TERMFORCE_ALWAYS) ||
	    scols_table_enable_colors(tb, color) ||
	    scols_table_enable_noencoding(tb, !split) ||
	    scols_table_enable_noheadings(tb, t->noheadings || head_row) ||
	    human_columns(tb, t, text, head_row ? 0 : 1,
			  !t->noheadings && !head_row, split, color))
		goto out;
	for (r = head_row ? 0 : 1; r <= t->nrows; r++)
		if (human_row(tb, text + r * nc, nc, split, r == 0 && color))
			goto out;
	rc = scols_print_table_to_string(tb, str);
out:
	scols_unref_table(tb);
	if (rc)
		return rw_error_set(err, RW_ENOMEM, "cannot print the table");
	return 0;
}
