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
#include <wchar.h>
#include <wctype.h>

#include <libsmartcols.h>

#include "rwcols.h"
#include "rwutf8.h"

/*
 * The columns, as lsblk declares its own: a width hint (a fraction of the
 * width: how much of the line the column may keep while others still
 * have room to give) and libsmartcols' flags.  Every column wraps
 * (SCOLS_FL_WRAP), between words, with wrap_chunksize() and
 * wrap_nextchunk() below.  SCOLS_FL_TRUNC marks the columns libsmartcols
 * narrows first: 2.38 narrows a column with its own wrap function only in
 * its last stage, by the hint alone, and the others with TRUNC before
 * that.  As the wrap function never makes a line wider than its column,
 * TRUNC never cuts text.
 */
#define WRAP_FIRST	(SCOLS_FL_WRAP | SCOLS_FL_TRUNC)
const struct rw_coldesc rw_columns[RW_NCOLS] = {
	[RW_COL_NAME]     = { "NAME",     "domain name, as in the index",   0.10, SCOLS_FL_WRAP, false },
	[RW_COL_TITLE]    = { "TITLE",    "title of the domain",            0.35, WRAP_FIRST,    false },
	[RW_COL_SUMMARY]  = { "SUMMARY",  "one-sentence summary",           0.30, WRAP_FIRST,    false },
	[RW_COL_PROJECTS] = { "PROJECTS", "projects, comma-separated",      0.40, WRAP_FIRST,    false },
	[RW_COL_BODY]     = { "BODY",     "the full text",                  0.50, WRAP_FIRST,    false },
	[RW_COL_SCORE]    = { "SCORE",    "search: how well the domain matches", 0.05, SCOLS_FL_RIGHT | SCOLS_FL_WRAP, true },
	[RW_COL_MATCH]    = { "MATCH",    "search: the sentence that matches best", 0.50, WRAP_FIRST, true },
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
				    rw_columns[id].flags & SCOLS_FL_RIGHT);
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

/*
 * The table for people.
 *
 * libsmartcols lays it out: it measures each cell with wrap_chunksize()
 * (its width on one line), narrows the columns by their hints and flags
 * to fit the width, and prints each cell's lines as wrap_nextchunk()
 * cuts them, to the width the column got.  Lines break at spaces, after
 * a comma first in PROJECTS; a word wider than its column is cut between
 * characters.
 *
 * 2.38's wrap function can end a line only by writing a NUL into the
 * cell's text, and a cut inside a word has no byte to spare for it.  So
 * the text libsmartcols gets has a BREAK byte between the characters of
 * each word, which the measures skip and wrap_nextchunk() removes from
 * each line it prints (cell_text()): where it cuts a word, a BREAK takes
 * the NUL.  libsmartcols measures a line after wrap_nextchunk() has
 * taken its BREAKs out, and a cell as a whole with wrap_chunksize().
 */
#define BREAK		'\x1f'
#define REPLACEMENT	"\xef\xbf\xbd"		/* U+FFFD */

struct wrap_how {
	bool list;		/* prefer breaking after a comma */
};

static struct wrap_how wrap_words = { false };
static struct wrap_how wrap_list = { true };

static size_t wrap_chunksize(const struct libscols_column *cl __attribute__((unused)),
			     const char *data, void *userdata __attribute__((unused)))
{
	const char *end = data + strlen(data);
	size_t w = 0, n;

	while (data < end) {
		int cw;

		if (*data == BREAK) {
			data++;
			continue;
		}
		cw = rw_char_width(data, (size_t)(end - data), &n);
		w += cw < 0 ? 1 : (size_t)cw;
		data += n;
	}
	return w;
}

/* Drop the BREAKs of data[0, end) and end it there with a NUL. */
static void end_line(char *data, char *end)
{
	char *in, *out = data;

	while (end > data && end[-1] == ' ')
		end--;
	for (in = data; in < end; in++)
		if (*in != BREAK)
			*out++ = *in;
	*out = '\0';
}

static char *wrap_nextchunk(const struct libscols_column *cl, char *data,
			    void *userdata)
{
	const struct wrap_how *how = userdata;
	size_t width = scols_column_get_width(cl), col = 0, n;
	char *p = data, *end = data + strlen(data);
	char *space = NULL, *list = NULL, *cut = NULL, *next;

	while (*p) {
		size_t w;
		int cw;

		if (*p == BREAK) {
			cut = p++;
			continue;
		}
		if (*p == ' ') {
			space = p;
			if (p > data && p[-1] == ',')
				list = p;
		}
		cw = rw_char_width(p, (size_t)(end - p), &n);
		w = cw < 0 ? 1 : (size_t)cw;
		if (col + w > width && p > data)
			break;
		col += w;
		p += n;
	}
	if (!*p) {
		/*
		 * The rest fits.  Not NULL but its end: libsmartcols 2.38
		 * would print the rest of a cell whose last line it was given
		 * with a NULL through a copy of the text, BREAKs and all.
		 */
		end_line(data, end);
		return end;
	}
	if (how->list && list)
		space = list;
	if (space && space > data)
		cut = space;
	else if (!cut)		/* one character wider than the column */
		for (cut = p; *cut && *cut != BREAK && *cut != ' '; cut++)
			;
	next = cut;
	if (*next == BREAK)
		next++;
	while (*next == ' ')
		next++;
	end_line(data, cut);
	return next;
}

/*
 * The text of a cell as the table gets it: BREAKs between the characters
 * of each word when @breaks (the column wraps), and what a terminal cannot show made visible: in a UTF-8
 * locale, U+FFFD for a character wcwidth() cannot measure; where there is
 * none, \xHH for each byte outside ASCII (and for a '\' before an 'x'), as
 * libsmartcols itself would escape it, so that every measure agrees.
 */
static char *cell_text(const char *s, bool breaks)
{
	bool utf8 = MB_CUR_MAX > 1;
	const char *end = s + strlen(s);
	struct rw_buf b;
	size_t n;

	rw_buf_init(&b);
	while (s < end) {
		unsigned char c = (unsigned char)*s;
		int w = rw_char_width(s, (size_t)(end - s), &n);

		if (breaks && b.len && c != ' ' && b.data[b.len - 1] != ' ')
			rw_buf_putc(&b, BREAK);
		if (!utf8 && (c >= 0x80 || (c == '\\' && s[1] == 'x'))) {
			char hex[5];
			size_t i;

			for (i = 0; i < n; i++) {
				snprintf(hex, sizeof(hex), "\\x%02x",
					 (unsigned char)s[i]);
				if (i && breaks)
					rw_buf_putc(&b, BREAK);
				rw_buf_puts(&b, hex);
			}
		} else if (w < 0) {
			rw_buf_puts(&b, REPLACEMENT);
		} else {
			rw_buf_add(&b, s, n);
		}
		s += n;
	}
	if (b.failed) {
		rw_buf_free(&b);
		return NULL;
	}
	return b.data ? b.data : strdup("");
}

/* Give @ln the cells @text (not BREAKed yet) of @t's columns. */
static int human_line(struct libscols_table *tb, const struct rw_table *t,
		      const char *const *text, bool bold)
{
	struct libscols_line *ln = scols_table_new_line(tb, NULL);
	size_t c;

	if (!ln || (bold && scols_line_set_color(ln, "bold")))
		return -1;
	for (c = 0; c < t->ncols; c++) {
		char *s = cell_text(text[c],
				    rw_columns[t->cols[c]].flags & SCOLS_FL_WRAP);

		if (!s || scols_line_refer_data(ln, c, s)) {	/* takes s */
			free(s);
			return -1;
		}
	}
	return 0;
}

/*
 * The headings libsmartcols prints are one line and as wide as their
 * name, and 2.38 keeps every column at least as wide as its heading even
 * when headings are off (util-linux issue #2380, fixed in 2.40).  So the
 * columns are unnamed when headings are off, and where the headings do
 * not fit the width on one line they are the table's first row, which
 * wraps as any row does; so are those of a table without rows, which
 * libsmartcols would not print.  "Unnamed" is two spaces, never printed:
 * in 2.38 that keeps a column two wide, room for a wide character.
 */
#define UNNAMED		"  "

static bool headings_as_row(const struct rw_table *t, size_t width)
{
	size_t c, w = t->ncols - 1;

	if (t->noheadings)
		return false;
	for (c = 0; c < t->ncols; c++)
		w += strlen(rw_columns[t->cols[c]].name);
	return t->nrows == 0 || w > width;
}

int rw_scols_table(const struct rw_table *t, size_t width, bool color,
		   char **str, struct rw_error *err)
{
	const char *text[RW_NCOLS];
	struct libscols_table *tb;
	bool head_row = headings_as_row(t, width), named;
	size_t r, c, nc = t->ncols;
	char tmp[32];
	int rc = -1;

	if (nc == 0 || nc > RW_NCOLS)
		return rw_error_set(err, RW_ENOMEM, "cannot print the table");
	tb = scols_new_table();
	if (!tb)
		return rw_error_set(err, RW_ENOMEM, "out of memory");
	named = !t->noheadings && !head_row;
	if (scols_table_set_termwidth(tb, width) ||
	    scols_table_set_termforce(tb, SCOLS_TERMFORCE_ALWAYS) ||
	    scols_table_enable_colors(tb, color) ||
	    scols_table_enable_noencoding(tb, 1) ||
	    scols_table_enable_noheadings(tb, !named))
		goto out;
	for (c = 0; c < nc; c++) {
		const struct rw_coldesc *d = &rw_columns[t->cols[c]];
		struct libscols_column *cl;

		cl = scols_table_new_column(tb, named ? d->name : UNNAMED,
					    d->whint, d->flags);
		if (!cl ||
		    (named && color &&
		     scols_cell_set_color(scols_column_get_header(cl), "bold")))
			goto out;
		if ((d->flags & SCOLS_FL_WRAP) &&
		    scols_column_set_wrapfunc(cl, wrap_chunksize, wrap_nextchunk,
			t->cols[c] == RW_COL_PROJECTS ? &wrap_list : &wrap_words))
			goto out;
		text[c] = d->name;
	}
	if (head_row && human_line(tb, t, text, color))
		goto out;
	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < nc; c++)
			text[c] = rw_cell_text(&t->rows[r], t->cols[c], tmp, sizeof(tmp));
		if (human_line(tb, t, text, false))
			goto out;
	}
	rc = scols_print_table_to_string(tb, str);
out:
	scols_unref_table(tb);
	if (rc)
		return rw_error_set(err, RW_ENOMEM, "cannot print the table");
	return 0;
}
