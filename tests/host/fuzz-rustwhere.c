// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the reader's parser and formatters.
 *
 * Input: byte 0 picks the width (RW_WIDTH_MIN + byte), byte 1 bit 0 turns
 * colour on and bit 1 runs in the C locale, as the reader does where it
 * cannot set C.UTF-8; the rest is the text of a file.  It is parsed as an
 * index, as an about file and as a domain file; whatever parses is
 * formatted every way the reader can (reading view, search results, table,
 * JSON, pairs, raw), and each output for people is checked: valid UTF-8,
 * and no line wider than the width, measured as the reader measures it
 * (wcwidth(), for the prose and the table alike).  In the C locale the
 * table must be ASCII (the reader's grid printer escapes the rest as
 * \xHH), and may be wider: a \xHH does not fit a column of 2.  A breach aborts, so
 * libFuzzer reports it.
 *
 * Built and run for a bounded time by tests/host/run.sh.
 */
#include <locale.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rwcols.h"
#include "rwformat.h"
#include "rwparse.h"
#include "rwsearch.h"
#include "rwutf8.h"
#include "rwutil.h"

static void fail(const char *what, const struct rw_buf *out)
{
	fprintf(stderr, "fuzz-rustwhere: %s\n--- output ---\n%s\n", what,
		rw_buf_str(out));
	abort();
}

/* C.UTF-8 as the reader sets it, or NULL if there is none. */
static const char *utf8_locale;

/*
 * Every line of @out: valid UTF-8, at most @width columns without SGR
 * codes; in the table (@table), no character the C library cannot print.
 */
static void check_output(const struct rw_buf *out, size_t width, bool table)
{
	size_t i = 0, col = 0;

	if (out->failed)
		fail("out of memory", out);
	while (i < out->len) {
		uint32_t cp;
		size_t n;

		if (out->data[i] == '\033') {		/* skip "ESC [ ... m" */
			while (i < out->len && out->data[i] != 'm')
				i++;
			i++;
			continue;
		}
		if (out->data[i] == '\n') {
			col = 0;
			i++;
			continue;
		}
		if (table && MB_CUR_MAX == 1) {
			if ((unsigned char)out->data[i] >= 0x80)
				fail("not ASCII in a table in the C locale", out);
			i++;
			continue;
		}
		n = rw_utf8_decode(out->data + i, out->len - i, &cp);
		if (n == 0)
			fail("invalid UTF-8 in the output", out);
		{
			int w = rw_char_width(out->data + i, out->len - i, &n);

			if (w < 0 && table)
				fail("a character the table cannot print", out);
			col += w < 0 ? 1 : (size_t)w;
		}
		if (col > width)
			fail("a line is wider than the width", out);
		i += n;
	}
}

static void scols_all(const struct rw_table *t)
{
	static const enum rw_scols_mode modes[] = {
		RW_SCOLS_JSON, RW_SCOLS_PAIRS, RW_SCOLS_RAW,
	};
	size_t i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		char *s = NULL;

		if (rw_scols_print(t, modes[i], NULL, &s, NULL) == 0)
			free(s);
	}
}

static void fuzz_domain(const struct rw_domain *dom, const struct rw_style *st)
{
	static const int cols[] = {
		RW_COL_NAME, RW_COL_TITLE, RW_COL_SUMMARY, RW_COL_PROJECTS,
		RW_COL_BODY, RW_COL_SCORE, RW_COL_MATCH,
	};
	const char *words[] = { dom->title, "rust" };
	const struct rw_domain *doms[] = { dom };
	struct rw_terms terms;
	struct rw_results res;
	struct rw_buf out;
	struct rw_row row = { dom, NULL };
	struct rw_table t = { "domains", cols, 5, &row, 1, false };

	rw_buf_init(&out);
	rw_format_domain(&out, dom, st);
	check_output(&out, st->width, false);
	rw_buf_reset(&out);
	if (rw_format_table(&out, &t, st))
		fail("the table failed", &out);
	check_output(&out, st->width, true);
	scols_all(&t);

	/* Search for the title as a phrase, or for "rust" if it has no word. */
	if (rw_terms_init(&terms, words, 2, NULL) != 0 &&
	    rw_terms_init(&terms, words + 1, 1, NULL) != 0)
		goto out;
	if (rw_search(doms, 1, &terms, &res, NULL) == 0) {
		rw_buf_reset(&out);
		rw_format_matches(&out, &res, doms, st);
		check_output(&out, st->width, false);
		if (res.n) {
			row.match = &res.v[0];
			t.name = "matches";
			t.ncols = 7;
			rw_buf_reset(&out);
			if (rw_format_table(&out, &t, st))
				fail("the table failed", &out);
			check_output(&out, st->width, true);
			scols_all(&t);
		}
		rw_results_free(&res);
	}
	rw_terms_free(&terms);
out:
	rw_buf_free(&out);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The locale the reader sets in main(). */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (setlocale(LC_CTYPE, "C.UTF-8"))
		utf8_locale = "C.UTF-8";
	else if (setlocale(LC_CTYPE, "C.utf8"))
		utf8_locale = "C.utf8";
	else
		fprintf(stderr, "fuzz-rustwhere: no C.UTF-8 locale\n");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data + 2;
	struct rw_style st;
	struct rw_index idx;
	struct rw_about about;
	struct rw_domain dom;
	struct rw_buf out;
	bool c_locale;

	if (size < 2 || size - 2 > RW_FILE_MAX)
		return 0;
	st.width = RW_WIDTH_MIN + data[0];
	st.color = data[1] & 1;
	c_locale = (data[1] & 2) && utf8_locale;
	size -= 2;
	if (c_locale)
		setlocale(LC_CTYPE, "C");

	if (rw_parse_index(text, size, "index", &idx, NULL) == 0)
		rw_index_free(&idx);

	if (rw_parse_about(text, size, "about", &about, NULL) == 0) {
		rw_buf_init(&out);
		rw_format_about(&out, &about, &st);
		check_output(&out, st.width, false);
		rw_buf_free(&out);
		rw_about_free(&about);
	}

	if (rw_parse_domain(text, size, "domain", NULL, &dom, NULL) == 0) {
		fuzz_domain(&dom, &st);
		rw_domain_free(&dom);
	}
	if (c_locale)
		setlocale(LC_CTYPE, utf8_locale);
	return 0;
}
