// SPDX-License-Identifier: GPL-2.0
/*
 * rustwhere: the output for people: reading view, search results, table.
 *
 * The reading view and the search results are prose, wrapped here and
 * measured with wcwidth() in the locale main() sets (rwutf8.c), so they
 * are the same bytes in every locale the user may have.  So is the
 * table, laid out and printed here too, its cells wrapped at spaces and
 * measured with the same wcwidth(), as \xHH where no UTF-8 locale could
 * be set.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rwcols.h"
#include "rwformat.h"
#include "rwutf8.h"

/* wrap_next() flags */
#define WRAP_LIST	0x1	/* prefer breaking after a comma */
#define WRAP_TABLE	0x2	/* measure as the table shows: \xHH, U+FFFD */

#define BOLD	"\033[1m"
#define MATCH	"\033[1;31m"
#define RESET	"\033[0m"

/* Where a line may break: the position of a space. */
struct breaks {
	size_t list;		/* last space after a comma */
	size_t space;		/* last space */
};

static size_t trim_end(const char *s, size_t start, size_t end)
{
	while (end > start && s[end - 1] == ' ')
		end--;
	return end;
}

/*
 * The table's measure of the character at @s (at most @len bytes), its
 * length in *@n.  In a UTF-8 locale it is wcwidth(), 0 for a control
 * character and -1 for one the C library cannot print (unassigned,
 * U+2028...), shown as U+FFFD.  Where no UTF-8 locale could be set, each
 * byte outside printable ASCII is shown as \xHH, and so is a "\" before
 * an "x", as util-linux's tools do: 4 columns.
 */
static int table_char_width(const char *s, size_t len, size_t *n)
{
	unsigned char c = (unsigned char)*s;

	*n = 1;
	if (MB_CUR_MAX == 1) {
		if (c == '\\' && len > 1 && s[1] == 'x')
			return 4;
		return isprint(c) ? 1 : 4;
	}
	if (iscntrl(c))
		return 0;
	return rw_char_width(s, len, n);
}

/* The columns of the character at @s, and its length in *@n. */
static size_t char_width(const char *s, size_t len, unsigned int flags,
			 size_t *n)
{
	int w = flags & WRAP_TABLE ? table_char_width(s, len, n) :
					 rw_char_width(s, len, n);

	return w < 0 ? 1 : (size_t)w;	/* U+FFFD in the table, 1 in prose */
}

static size_t text_width(const char *s, size_t len, unsigned int flags)
{
	size_t w = 0, i = 0, n;

	while (i < len) {
		w += char_width(s + i, len - i, flags, &n);
		i += n;
	}
	return w;
}

/*
 * The next line of @s (@len bytes) from @pos, at most @width columns:
 * stores its bytes in [*start, *end) and returns where the following line
 * starts.  Call until the return value is @len.
 */
static size_t wrap_next(const char *s, size_t len, size_t pos, size_t width,
			unsigned int flags, size_t *start, size_t *end)
{
	struct breaks brk = { 0, 0 };
	size_t i, col = 0;

	while (pos < len && s[pos] == ' ')
		pos++;
	*start = pos;
	for (i = pos; i < len;) {
		size_t n, w = char_width(s + i, len - i, flags, &n);

		if (s[i] == ' ') {
			brk.space = i;
			if (i > pos && s[i - 1] == ',')
				brk.list = i;
		}
		if (col + w > width) {
			if ((flags & WRAP_LIST) && brk.list > pos)
				i = brk.list;
			else if (brk.space > pos)
				i = brk.space;
			else if (i == pos)	/* one character wider than the line */
				i += n;
			*end = trim_end(s, pos, i);
			return i;
		}
		col += w;
		i += n;
	}
	*end = trim_end(s, pos, len);
	return len;
}

/* Put s[start, end), with the @spans of it highlighted when @on is set. */
static void put_highlighted(FILE *fp, const char *s, size_t start,
			    size_t end, const struct rw_span *spans,
			    size_t nspans, const char *on)
{
	size_t i, pos = start;

	for (i = 0; on && i < nspans && pos < end; i++) {
		size_t a = spans[i].start, b = spans[i].end;

		if (b <= pos || a >= end)
			continue;
		if (a < pos)
			a = pos;
		if (b > end)
			b = end;
		fprintf(fp, "%.*s%s%.*s" RESET, (int)(a - pos), s + pos, on,
			(int)(b - a), s + a);
		pos = b;
	}
	fwrite(s + pos, 1, end - pos, fp);
}

/* How to put a paragraph. */
struct para {
	const char *first;	/* indent of the first line */
	const char *rest;	/* indent of the others */
	unsigned int flags;	/* WRAP_* */
	const char *on;		/* colour of the spans or of all, or NULL */
	const struct rw_span *spans;	/* NULL: colour all of it */
	size_t nspans;
};

/* Wrap @s into lines of st->width columns; returns the widest line. */
static size_t put_para(FILE *fp, const char *s,
		       const struct para *p, const struct rw_style *st)
{
	size_t len = strlen(s), pos = 0, widest = 0;
	bool first = true;

	do {
		const char *indent = first ? p->first : p->rest;
		size_t iw = strlen(indent), start, end, w;
		struct rw_span all;

		pos = wrap_next(s, len, pos, st->width - iw, p->flags,
				   &start, &end);
		all.start = start;
		all.end = end;
		fputs(indent, fp);
		put_highlighted(fp, s, start, end, p->spans ? p->spans : &all,
				p->spans ? p->nspans : 1, st->color ? p->on : NULL);
		fputc('\n', fp);
		w = iw + text_width(s + start, end - start, 0);
		if (w > widest)
			widest = w;
		first = false;
	} while (pos < len);
	return widest;
}

static void put_plain(FILE *fp, const char *s, const struct rw_style *st)
{
	const struct para p = { "", "", 0, NULL, NULL, 0 };

	put_para(fp, s, &p, st);
}

/* Bold on a terminal; returns the widest line. */
static size_t put_bold(FILE *fp, const char *s, const struct rw_style *st)
{
	const struct para p = { "", "", 0, BOLD, NULL, 0 };

	return put_para(fp, s, &p, st);
}

/* A heading, bold on a terminal and underlined with '=' everywhere. */
static void put_heading(FILE *fp, const char *s, const struct rw_style *st)
{
	size_t w = put_bold(fp, s, st);

	while (w--)
		fputc('=', fp);
	fputc('\n', fp);
}

/* "TITLE (NAME)", or NULL with @out failed. */
static char *domain_heading(struct rw_buf *out, const struct rw_domain *dom)
{
	char *s;

	if (asprintf(&s, "%s (%s)", dom->title, dom->name) >= 0)
		return s;
	out->failed = true;
	return NULL;
}

int rw_format_domain(struct rw_buf *out, const struct rw_domain *dom,
		     const struct rw_style *st)
{
	const struct para item = { "  - ", "    ", WRAP_LIST, NULL, NULL, 0 };
	char *heading = out->failed ? NULL : domain_heading(out, dom);
	size_t i;

	if (!heading)
		return -1;
	put_heading(out->fp, heading, st);
	free(heading);
	put_plain(out->fp, dom->summary, st);
	fputc('\n', out->fp);
	put_plain(out->fp, dom->body, st);
	fputc('\n', out->fp);
	put_bold(out->fp, "Projects:", st);
	for (i = 0; i < dom->nprojects; i++)
		put_para(out->fp, dom->project[i], &item, st);
	return rw_buf_flush(out);
}

int rw_format_about(struct rw_buf *out, const struct rw_about *about,
		    const struct rw_style *st)
{
	if (out->failed)
		return -1;
	put_heading(out->fp, about->title, st);
	put_plain(out->fp, about->claim, st);
	fputc('\n', out->fp);
	put_plain(out->fp, about->pattern, st);
	return rw_buf_flush(out);
}

int rw_format_matches(struct rw_buf *out, const struct rw_results *res,
		      const struct rw_domain *const *doms,
		      const struct rw_style *st)
{
	size_t i;

	for (i = 0; i < res->n; i++) {
		const struct rw_match *m = &res->v[i];
		const struct para text = { "  ", "  ", 0, MATCH, m->spans,
					   m->nspans };
		char *heading = out->failed ? NULL :
				domain_heading(out, doms[m->domain]);

		if (!heading)
			return -1;
		if (i)
			fputc('\n', out->fp);
		put_bold(out->fp, heading, st);
		free(heading);
		put_para(out->fp, m->sentence, &text, st);
	}
	return rw_buf_flush(out);
}

/*
 * The table, laid out and printed here: libsmartcols, which prints -J,
 * -P and -r, cannot wrap a cell at spaces in every version (2.40 cuts
 * words anywhere at narrow widths).  Columns are as wide as their widest
 * cell; when the table is wider than the line, the widest flexible column
 * loses a column at a time down to a floor of 8 (or its heading), then the
 * widest of all down to 2.  Each cell is then wrapped at spaces (after a
 * comma first for PROJECTS) to the width of its column, its lines printed
 * one under the other.  One space separates the columns, and lines carry
 * no trailing spaces.
 */
#define FLEX_FLOOR	8
#define HARD_FLOOR	2

struct layout {
	size_t width[RW_NCOLS];
	size_t floor[RW_NCOLS];
};

static void measure(const struct rw_table *t, struct layout *lay)
{
	char tmp[32];
	size_t c, r;

	for (c = 0; c < t->ncols; c++) {
		const char *head = rw_columns[t->cols[c]].name;
		size_t w = t->noheadings ? 0 : strlen(head);

		for (r = 0; r < t->nrows; r++) {
			const char *s = rw_cell_text(&t->rows[r], t->cols[c],
						     tmp, sizeof(tmp));
			size_t cw = text_width(s, strlen(s), WRAP_TABLE);

			if (cw > w)
				w = cw;
		}
		lay->width[c] = w ? w : 1;
		lay->floor[c] = t->noheadings ? FLEX_FLOOR : strlen(head);
		if (lay->floor[c] < FLEX_FLOOR)
			lay->floor[c] = FLEX_FLOOR;
	}
}

/* Narrow the widest column allowed by @flex_only above its floor. */
static bool narrow_one(const struct rw_table *t, struct layout *lay,
		       bool flex_only)
{
	size_t c, best = SIZE_MAX;

	for (c = 0; c < t->ncols; c++) {
		size_t floor = flex_only ? lay->floor[c] : HARD_FLOOR;

		if (flex_only && !rw_columns[t->cols[c]].flexible)
			continue;
		if (lay->width[c] <= floor)
			continue;
		if (best == SIZE_MAX || lay->width[c] > lay->width[best])
			best = c;
	}
	if (best == SIZE_MAX)
		return false;
	lay->width[best]--;
	return true;
}

static void fit(const struct rw_table *t, struct layout *lay, size_t width)
{
	size_t total = t->ncols - 1, c;

	for (c = 0; c < t->ncols; c++)
		total += lay->width[c];
	while (total > width && narrow_one(t, lay, true))
		total--;
	while (total > width && narrow_one(t, lay, false))
		total--;
}

/* The columns of a cell's line as put_printable() made it: \xHH is ASCII. */
static size_t shown_width(const char *s, size_t len)
{
	return MB_CUR_MAX == 1 ? len : text_width(s, len, WRAP_TABLE);
}

/* Put s[start, end) as the table shows it (table_char_width()). */
static void put_printable(FILE *fp, const char *s, size_t start, size_t end)
{
	size_t n;

	while (start < end) {
		int w = table_char_width(s + start, end - start, &n);

		if (w < 0)
			fputs("\xef\xbf\xbd", fp);
		else if (w == 4 && MB_CUR_MAX == 1)
			fprintf(fp, "\\x%02x", (unsigned char)s[start]);
		else
			fwrite(s + start, 1, n, fp);
		start += n;
	}
}

/* Put @s wrapped to @width columns, lines joined by '\n', then a NUL. */
static void put_wrapped(FILE *fp, const char *s, size_t width,
			unsigned int flags)
{
	size_t len = trim_end(s, 0, strlen(s)), pos = 0, start, end;

	while (pos < len) {
		pos = wrap_next(s, len, pos, width, flags | WRAP_TABLE,
				   &start, &end);
		put_printable(fp, s, start, end);
		if (pos < len)
			fputc('\n', fp);
	}
	fputc('\0', fp);
}

/*
 * Put the row of wrapped @cells, line by line: each cell's line padded to
 * its column's @width (right-aligned where the column is, if the cell is
 * one line), one space between columns.  Spaces are put only before a
 * cell's text, so that no line ends with one.  @bold: 1, each cell bold
 * (the headings); 2, each line (headings of several lines, or of a table
 * without rows).
 */
static void put_row(FILE *fp, const struct rw_table *t, const char **cells,
		    const size_t *width, int bold)
{
	const char *pos[RW_NCOLS];
	size_t c, nc = t->ncols;
	bool more;

	memcpy(pos, cells, nc * sizeof(*pos));
	do {
		size_t spaces = 0;

		if (bold == 2)
			fputs(BOLD, fp);
		more = false;
		for (c = 0; c < nc; c++) {
			const char *nl = strchr(pos[c], '\n');
			size_t len = nl ? (size_t)(nl - pos[c]) : strlen(pos[c]);
			size_t w = shown_width(pos[c], len);
			size_t fill = width[c] > w ? width[c] - w : 0;
			bool right = rw_columns[t->cols[c]].right &&
				     !strchr(cells[c], '\n');

			spaces += c > 0;
			if (bold == 1) {
				fprintf(fp, "%*s" BOLD, (int)spaces, "");
				spaces = 0;
			}
			if (right)
				spaces += fill;
			if (len || bold == 1) {
				fprintf(fp, "%*s%.*s", (int)spaces, "", (int)len,
					pos[c]);
				spaces = 0;
			}
			if (bold == 1)
				fprintf(fp, "%*s" RESET,
					(int)(!right && c + 1 < nc ? fill : 0), "");
			else if (!right)
				spaces += fill;
			pos[c] += nl ? len + 1 : len;
			more |= nl != NULL;
		}
		if (bold == 2)
			fputs(RESET, fp);
		fputc('\n', fp);
	} while (more);
}

int rw_format_table(struct rw_buf *out, const struct rw_table *t,
		    const struct rw_style *st)
{
	size_t nc = t->ncols, n, i, c, width[RW_NCOLS] = { 0 };
	const char **text = NULL, *next;
	struct rw_buf cells;
	struct layout lay;
	char tmp[32];
	int rc = -1, heads;

	if (nc == 0 || nc > RW_NCOLS || out->failed)
		return -1;
	measure(t, &lay);
	fit(t, &lay, st->width);

	/* The headings, then the cells, each a string in @cells. */
	n = (t->nrows + 1) * nc;
	rw_buf_init(&cells);
	text = calloc(n, sizeof(*text));
	if (!text || cells.failed)
		goto out;
	for (i = 0; i < n; i++) {
		const struct rw_row *row = i < nc ? NULL : &t->rows[i / nc - 1];
		int col = t->cols[i % nc];

		put_wrapped(cells.fp, row ? rw_cell_text(row, col, tmp, sizeof(tmp)) :
			    rw_columns[col].name, lay.width[i % nc],
			    col == RW_COL_PROJECTS ? WRAP_LIST : 0);
	}
	if (rw_buf_flush(&cells))
		goto out;
	/* Each column as wide as the widest line of its cells. */
	for (i = 0, next = cells.data; i < n; i++) {
		const char *p = text[i] = next;

		next += strlen(next) + 1;
		while (*p && (i >= nc || !t->noheadings)) {
			size_t len = strcspn(p, "\n"), w = shown_width(p, len);

			if (w > width[i % nc])
				width[i % nc] = w;
			p += len + (p[len] == '\n');
		}
	}
	/* Headings of several lines are bold a line at a time. */
	for (c = 0, heads = 1; c < nc; c++)
		if (strchr(text[c], '\n') || !t->nrows)
			heads = 2;
	for (i = t->noheadings ? 1 : 0; i <= t->nrows; i++)
		put_row(out->fp, t, text + i * nc, width,
			i == 0 && st->color ? heads : 0);
	rc = rw_buf_flush(out);
out:
	free(text);
	rw_buf_free(&cells);
	return rc;
}
