// SPDX-License-Identifier: GPL-2.0
/*
 * Does this libsmartcols keep a column as wide as its heading when the
 * headings are off (util-linux issue #2380, fixed in 2.40)?  rwcols.c
 * works around it (unnamed columns, headings as a row); this prints the
 * library's version and "bug" or "fixed", for tests/host/ts/scols.sh to
 * hold against the version.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libsmartcols.h>

int main(void)
{
	struct libscols_table *tb = scols_new_table();
	struct libscols_line *ln;
	const char *version = NULL;
	char *out = NULL;

	if (!tb || !scols_table_new_column(tb, "A-LONG-HEADING", 0, 0) ||
	    !scols_table_new_column(tb, "B", 0, 0) ||
	    scols_table_enable_noheadings(tb, 1))
		return 2;
	ln = scols_table_new_line(tb, NULL);
	if (!ln || scols_line_set_data(ln, 0, "x") || scols_line_set_data(ln, 1, "y") ||
	    scols_print_table_to_string(tb, &out))
		return 2;
	scols_get_library_version(&version);
	/* "x y" when the hidden heading does not count, else "x" and 14 columns. */
	printf("%s %s\n", version, strcmp(out, "x y") == 0 ? "fixed" : "bug");
	free(out);
	scols_unref_table(tb);
	return 0;
}
