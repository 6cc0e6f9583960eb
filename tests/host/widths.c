// SPDX-License-Identifier: GPL-2.0
/*
 * widths FILE...: whether the reader's two measures of text agree on every
 * character of the files.  The prose is measured with the reader's own
 * width table (rw_cp_width()), the table as libsmartcols measures it, with
 * wcwidth() in C.UTF-8 (rw_scols_char_width()); a character they disagree
 * on would be wrapped differently in the two.  Prints each such character;
 * exits 1 if there is one, 2 on an error or without C.UTF-8.
 *
 * Built and run by tests/host/run.sh on the fixtures.
 */
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "rwcols.h"
#include "rwutf8.h"

/* Compare the measures on the text of @path; returns the disagreements. */
static int check_file(const char *path, size_t *nchars)
{
	static char buf[1 << 20];
	FILE *f = fopen(path, "rb");
	size_t len, i = 0, n;
	int bad = 0, w;
	uint32_t cp;

	if (!f) {
		perror(path);
		exit(2);
	}
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	while (i < len) {
		n = rw_utf8_decode(buf + i, len - i, &cp);
		if (n == 0) {
			fprintf(stderr, "%s: invalid UTF-8 at byte %zu\n", path, i);
			exit(2);
		}
		if (!rw_cp_is_control(cp)) {
			w = rw_scols_char_width(buf + i, len - i, &n);
			if (w != rw_cp_width(cp)) {
				printf("%s: U+%04X '%.*s': %d columns for the prose, %d for the table\n",
				       path, (unsigned int)cp, (int)n, buf + i,
				       rw_cp_width(cp), w);
				bad++;
			}
			(*nchars)++;
		}
		i += n;
	}
	return bad;
}

int main(int argc, char **argv)
{
	size_t nchars = 0;
	int i, bad = 0;

	if (!setlocale(LC_CTYPE, "C.UTF-8") && !setlocale(LC_CTYPE, "C.utf8")) {
		fputs("widths: no C.UTF-8 locale\n", stderr);
		return 2;
	}
	for (i = 1; i < argc; i++)
		bad += check_file(argv[i], &nchars);
	printf("%zu characters in %d files, %d measured differently\n", nchars,
	       argc - 1, bad);
	return bad ? 1 : 0;
}
