/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rustwhere: find the domains whose text mentions some words.
 *
 * Text is cut into words (runs of letters, digits and '_', any script) and
 * compared case-insensitively, whole words only.  A search term of several
 * words ("memory safety", "command-line") matches them in a row.
 */
#ifndef RW_SEARCH_H
#define RW_SEARCH_H

#include <stdbool.h>
#include <stddef.h>

#include "rwparse.h"
#include "rwutil.h"

/* One word of a text: where it is, and its folded form. */
struct rw_token {
	size_t start, end;	/* bytes of the text */
	size_t fstart, flen;	/* bytes of rw_tokens.folded */
};

struct rw_tokens {
	struct rw_token *v;
	size_t n, cap;
	char *folded;		/* the folded words, one after the other */
	size_t folded_len;
};

int rw_tokenize(const char *s, size_t len, struct rw_tokens *t);
void rw_tokens_free(struct rw_tokens *t);

/* The search terms, one per command-line word. */
struct rw_terms {
	const char **text;	/* as given */
	struct rw_tokens *tok;
	size_t n;
};

int rw_terms_init(struct rw_terms *terms, const char *const words[], size_t n,
		  struct rw_error *err);
void rw_terms_free(struct rw_terms *terms);

/* Bytes [start, end) of a string. */
struct rw_span {
	size_t start, end;
};

struct rw_match {
	size_t domain;		/* index into the domains searched */
	unsigned int nterms;	/* how many of the terms the domain has */
	unsigned long score;
	char *sentence;		/* the sentence that matches best */
	struct rw_span *spans;	/* the matches in it, sorted, disjoint */
	size_t nspans;
};

struct rw_results {
	struct rw_match *v;	/* best first */
	size_t n;
	bool *found;		/* per term: found in some domain */
	size_t nterms;
};

/*
 * Search @ndoms domains for @terms; @doms[i] may be NULL for a domain that
 * could not be read.  Returns 0 or -RW_ENOMEM.
 */
int rw_search(const struct rw_domain *const *doms, size_t ndoms,
	      const struct rw_terms *terms, struct rw_results *res,
	      struct rw_error *err);
void rw_results_free(struct rw_results *res);

#endif /* RW_SEARCH_H */
