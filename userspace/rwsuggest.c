// SPDX-License-Identifier: GPL-2.0
/*
 * rustwhere: the suggestion for a domain name that is not in the index,
 * "rustwhere clii" -> "did you mean 'cli'?".
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "rwsuggest.h"

/* Levenshtein distance, case-insensitive, of short ASCII strings. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[65];

	if (la > 64 || lb > 64)
		return SIZE_MAX;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t cost = (a[i - 1] | 0x20) == (b[j - 1] | 0x20) ? 0 : 1;
			size_t best = diag + cost;

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

/*
 * Whether @title has the word @word, or from 4 letters on a word that
 * starts with it ("crypto": "cryptography"); ASCII case-insensitive.
 */
static bool title_has_word(const char *title, const char *word)
{
	size_t len = strlen(word);
	const char *p = title;

	while (*p) {
		size_t n = 0;

		while (p[n] && (isalnum((unsigned char)p[n]) || (p[n] & 0x80)))
			n++;
		if ((n == len || (len >= 4 && n > len)) &&
		    strncasecmp(p, word, len) == 0)
			return true;
		p += n ? n : 1;
	}
	return false;
}

const struct rw_index_entry *rw_suggest_domain(const struct rw_index *idx,
					       const char *arg)
{
	const struct rw_index_entry *best = NULL, *word = NULL;
	size_t i, bestd = SIZE_MAX, len = strlen(arg), nword = 0;

	for (i = 0; i < idx->n; i++) {
		const struct rw_index_entry *e = &idx->v[i];
		size_t d = distance(arg, e->name);

		if (strcasecmp(arg, e->title) == 0)
			d = 0;
		else if (len >= 2 && strncasecmp(arg, e->name, len) == 0 && d > 1)
			d = 1;				/* a prefix */
		if (d < bestd) {
			bestd = d;
			best = e;
		}
		if (len >= 2 && title_has_word(e->title, arg)) {
			word = e;
			nword++;
		}
	}
	if (best && bestd < len && bestd <= 1 + strlen(best->name) / 3)
		return best;
	return nword == 1 ? word : NULL;
}
