// SPDX-License-Identifier: GPL-2.0
/*
 * rustwhere: the output for people: reading view, search results, table.
 *
 * The reading view and the search results are prose, wrapped here and
 * measured with wcwidth() in the locale main() sets (rwutf8.c), so they
 * are the same bytes in every locale the user may have.  The table is
 * drawn by libsmartcols (rwcols.c); its cells are wrapped here, at
 * spaces, and measured as libsmartcols measures them: with the same
 * wcwidth(), and its \xHH escapes where no UTF-8 locale could be set.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rwcols.h"
#include "rwformat.h"
#include "rwutf8.h"

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

/* The columns of the character at @s, and its length in *@n. */
static size_t char_width(const char *s, size_t len, unsigned int flags,
			 size_t *n)
{
	int w = flags & RW_WRAP_TABLE ? rw_scols_char_width(s, len, n) :
					 rw_char_width(s, len, n);

	return w < 0 ? 1 : (size_t)w;	/* U+FFFD in the table, 1 in prose */
}

size_t rw_wrap_next(const char *s, size_t len, size_t pos, size_t width,
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
			if ((flags & RW_WRAP_LIST) && brk.list > pos)
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

/* Append s[start, end), with the @spans of it highlighted when @on is set. */
static void put_highlighted(struct rw_buf *out, const char *s, size_t start,
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
		rw_buf_add(out, s + pos, a - pos);
		rw_buf_puts(out, on);
		rw_buf_add(out, s + a, b - a);
		rw_buf_puts(out, RESET);
		pos = b;
	}
	rw_buf_add(out, s + pos, end - pos);
}

/* How to put a paragraph. */
struct para {
	const char *first;	/* indent of the first line */
	const char *rest;	/* indent of the others */
	unsigned int flags;	/* RW_WRAP_* */
	const char *on;		/* colour of the spans or of all, or NULL */
	const struct rw_span *spans;	/* NULL: colour all of it */
	size_t nspans;
};

/* Wrap @s into lines of st->width columns; returns the widest line. */
static size_t put_para(struct rw_buf *out, const char *s,
		       const struct para *p, const struct rw_style *st)
{
	size_t len = strlen(s), pos = 0, widest = 0;
	bool first = true;

	do {
		const char *indent = first ? p->first : p->rest;
		size_t iw = strlen(indent), start, end, w;
		struct rw_span all;

		pos = rw_wrap_next(s, len, pos, st->width - iw, p->flags,
				   &start, &end);
		all.start = start;
		all.end = end;
		rw_buf_puts(out, indent);
		put_highlighted(out, s, start, end, p->spans ? p->spans : &all,
				p->spans ? p->nspans : 1, st->color ? p->on : NULL);
		rw_buf_putc(out, '\n');
		w = iw + rw_str_width(s + start, end - start);
		if (w > widest)
			widest = w;
		first = false;
	} while (pos < len);
	return widest;
}

static void put_plain(struct rw_buf *out, const char *s,
		      const struct rw_style *st)
{
	const struct para p = { "", "", 0, NULL, NULL, 0 };

	put_para(out, s, &p, st);
}

/* A heading, bold on a terminal and underlined with '=' everywhere. */
static void put_heading(struct rw_buf *out, const char *s,
			const struct rw_style *st)
{
	const struct para p = { "", "", 0, BOLD, NULL, 0 };

	rw_buf_repeat(out, "=", put_para(out, s, &p, st));
	rw_buf_putc(out, '\n');
}

static char *domain_heading(const struct rw_domain *dom)
{
	size_t n = strlen(dom->title) + strlen(dom->name) + 4;
	char *s = malloc(n);

	if (s)
		snprintf(s, n, "%s (%s)", dom->title, dom->name);
	return s;
}

int rw_format_domain(struct rw_buf *out, const struct rw_domain *dom,
		     const struct rw_style *st)
{
	const struct para label = { "", "", 0, BOLD, NULL, 0 };
	const struct para item = { "  - ", "    ", RW_WRAP_LIST, NULL, NULL, 0 };
	char *heading = domain_heading(dom);
	size_t i;

	if (!heading)
		return -1;
	put_heading(out, heading, st);
	free(heading);
	put_plain(out, dom->summary, st);
	rw_buf_putc(out, '\n');
	put_plain(out, dom->body, st);
	rw_buf_putc(out, '\n');
	put_para(out, "Projects:", &label, st);
	for (i = 0; i < dom->nprojects; i++)
		put_para(out, dom->project[i], &item, st);
	return out->failed ? -1 : 0;
}

int rw_format_about(struct rw_buf *out, const struct rw_about *about,
		    const struct rw_style *st)
{
	put_heading(out, about->title, st);
	put_plain(out, about->claim, st);
	rw_buf_putc(out, '\n');
	put_plain(out, about->pattern, st);
	return out->failed ? -1 : 0;
}

int rw_format_matches(struct rw_buf *out, const struct rw_results *res,
		      const struct rw_domain *const *doms,
		      const struct rw_style *st)
{
	const struct para head = { "", "", 0, BOLD, NULL, 0 };
	size_t i;

	for (i = 0; i < res->n; i++) {
		const struct rw_match *m = &res->v[i];
		const struct para text = { "  ", "  ", 0, MATCH, m->spans,
					   m->nspans };
		char *heading = domain_heading(doms[m->domain]);

		if (!heading)
			return -1;
		if (i)
			rw_buf_putc(out, '\n');
		put_para(out, heading, &head, st);
		free(heading);
		put_para(out, m->sentence, &text, st);
	}
	return out->failed ? -1 : 0;
}

/*
 * The table.  The layout is decided here, and libsmartcols draws it.
 * Columns are as wide as their widest cell; when the table is wider than
 * the line, the widest flexible column loses a column at a time down to a
 * floor of 8 (or its heading), then the widest of all down to 2.  Each
 * cell is then wrapped at spaces (after a comma first for PROJECTS) to the
 * width of its column, its lines joined with '\n', which libsmartcols
 * prints one under the other; its own wrapping would cut words anywhere.
 * One space separates the columns, and lines carry no trailing spaces.
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
			size_t cw = rw_scols_width(s, strlen(s));

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

/* Add s[start, end) to @b, U+FFFD for what the table cannot print. */
static void add_printable(struct rw_buf *b, const char *s, size_t start,
			  size_t end)
{
	size_t n;

	while (start < end) {
		if (rw_scols_char_width(s + start, end - start, &n) < 0)
			rw_buf_puts(b, "\xef\xbf\xbd");
		else
			rw_buf_add(b, s + start, n);
		start += n;
	}
}

/* Add @s wrapped to @width columns to @b, lines joined by '\n', then a NUL. */
static void add_wrapped(struct rw_buf *b, const char *s, size_t width,
			unsigned int flags)
{
	size_t len = trim_end(s, 0, strlen(s)), pos = 0, start, end;

	while (pos < len) {
		pos = rw_wrap_next(s, len, pos, width, flags | RW_WRAP_TABLE,
				   &start, &end);
		add_printable(b, s, start, end);
		if (pos < len)
			rw_buf_putc(b, '\n');
	}
	rw_buf_putc(b, '\0');
}

/* Add the lines of @s to @out without the spaces that end them. */
static void add_trimmed(struct rw_buf *out, const char *s)
{
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);

		rw_buf_add(out, s, trim_end(s, 0, len));
		rw_buf_putc(out, '\n');
		s += nl ? len + 1 : len;
	}
}

int rw_format_table(struct rw_buf *out, const struct rw_table *t,
		    const struct rw_style *st)
{
	size_t nc = t->ncols, n, i, c, *off = NULL;
	const char **text = NULL;
	struct rw_buf cells;
	struct layout lay;
	char tmp[32], *str = NULL;
	int rc = -1;

	if (nc == 0 || nc > RW_NCOLS)
		return -1;
	measure(t, &lay);
	fit(t, &lay, st->width);

	/* The headings, then the cells, each a string in @cells. */
	n = (t->nrows + 1) * nc;
	rw_buf_init(&cells);
	off = calloc(n, sizeof(*off));
	text = calloc(n, sizeof(*text));
	if (!off || !text)
		goto out;
	for (i = 0; i < n; i++) {
		const struct rw_row *row = i < nc ? NULL : &t->rows[i / nc - 1];
		int col = t->cols[i % nc];

		c = i % nc;
		off[i] = cells.len;
		add_wrapped(&cells, row ? rw_cell_text(row, col, tmp, sizeof(tmp)) :
			    rw_columns[col].name, lay.width[c],
			    col == RW_COL_PROJECTS ? RW_WRAP_LIST : 0);
	}
	if (cells.failed)
		goto out;
	for (i = 0; i < n; i++)
		text[i] = cells.data + off[i];
	if (rw_scols_table(t, text, st->width, st->color, &str, NULL) == 0) {
		add_trimmed(out, str);
		rc = out->failed ? -1 : 0;
	}
out:
	free(str);
	free(text);
	free(off);
	rw_buf_free(&cells);
	return rc;
}
