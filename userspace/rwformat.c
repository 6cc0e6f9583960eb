// SPDX-License-Identifier: GPL-2.0
/*
 * rustwhere: the output for people: reading view, search results, table.
 *
 * The reading view and the search results are prose, wrapped here at
 * spaces and measured with wcwidth() (rwutf8.c).  The table is laid out
 * and drawn by libsmartcols (rwcols.c).
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
static size_t char_width(const char *s, size_t len, size_t *n)
{
	int w = rw_char_width(s, len, n);

	return w < 0 ? 1 : (size_t)w;
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
		size_t n, w = char_width(s + i, len - i, &n);

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
	char *str = NULL;
	int rc = -1;

	if (rw_scols_table(t, st->width, st->color, &str, NULL) == 0) {
		add_trimmed(out, str);
		rc = out->failed ? -1 : 0;
	}
	free(str);
	return rc;
}
