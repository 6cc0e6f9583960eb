// SPDX-License-Identifier: GPL-2.0
/*
 * rustwhere: find the domains whose text mentions some words.
 *
 * Each occurrence of a term scores by where it is: in the name or title 5,
 * in the projects 4, in the summary 3, in the body 1.  Domains are ranked
 * by how many of the terms they have, then by score, then in index order.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "rwsearch.h"
#include "rwutf8.h"

static int add_token(struct rw_tokens *t, size_t start, size_t end,
		     size_t fstart, size_t fend)
{
	struct rw_token *v;

	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;

		v = realloc(t->v, cap * sizeof(*v));
		if (!v)
			return -1;
		t->v = v;
		t->cap = cap;
	}
	t->v[t->n].start = start;
	t->v[t->n].end = end;
	t->v[t->n].fstart = fstart;
	t->v[t->n].flen = fend - fstart;
	t->n++;
	return 0;
}

int rw_tokenize(const char *s, size_t len, struct rw_tokens *t)
{
	size_t i = 0, start = 0, fstart = 0, fend = 0;
	bool in_word = false;
	FILE *fp;
	int rc = 0;

	memset(t, 0, sizeof(*t));
	fp = open_memstream(&t->folded, &t->folded_len);
	if (!fp)
		return -1;
	while (rc == 0 && i <= len) {
		uint32_t cp = 0;
		size_t n = i < len ? rw_utf8_decode(s + i, len - i, &cp) : 0;
		bool word = n > 0 && rw_cp_is_word(cp);

		if (word && !in_word) {
			start = i;
			fstart = fend;
		} else if (!word && in_word) {
			rc = add_token(t, start, i, fstart, fend);
		}
		in_word = word;
		if (word) {
			char enc[MB_LEN_MAX];
			size_t k = wcrtomb(enc, (wchar_t)rw_cp_fold(cp), NULL);

			/* Only a UTF-8 locale has words outside ASCII. */
			if (k == (size_t)-1)
				fend += fwrite(s + i, 1, n, fp);
			else
				fend += fwrite(enc, 1, k, fp);
		}
		i += n ? n : 1;
	}
	/* fclose() fails if a write did (out of memory). */
	if (fclose(fp) || rc) {
		rw_tokens_free(t);
		return -1;
	}
	return 0;
}

void rw_tokens_free(struct rw_tokens *t)
{
	free(t->v);
	free(t->folded);
	memset(t, 0, sizeof(*t));
}

int rw_terms_init(struct rw_terms *terms, const char *const words[], size_t n,
		  struct rw_error *err)
{
	size_t i;

	memset(terms, 0, sizeof(*terms));
	terms->text = calloc(n ? n : 1, sizeof(*terms->text));
	terms->tok = calloc(n ? n : 1, sizeof(*terms->tok));
	if (!terms->text || !terms->tok)
		goto nomem;
	for (i = 0; i < n; i++) {
		terms->text[i] = words[i];
		if (rw_tokenize(words[i], strlen(words[i]), &terms->tok[i]))
			goto nomem;
		terms->n++;
		if (terms->tok[i].n == 0) {
			rw_terms_free(terms);
			return rw_error_set(err, RW_EUSAGE,
				"search term '%s' has no letters or digits", words[i]);
		}
	}
	return 0;
nomem:
	rw_terms_free(terms);
	return rw_error_set(err, RW_ENOMEM, "out of memory");
}

void rw_terms_free(struct rw_terms *terms)
{
	size_t i;

	if (terms->tok)
		for (i = 0; i < terms->n; i++)
			rw_tokens_free(&terms->tok[i]);
	free(terms->tok);
	free(terms->text);
	memset(terms, 0, sizeof(*terms));
}

static bool token_eq(const struct rw_tokens *a, size_t i,
		     const struct rw_tokens *b, size_t j)
{
	const struct rw_token *x = &a->v[i], *y = &b->v[j];

	return x->flen == y->flen &&
	       memcmp(a->folded + x->fstart, b->folded + y->fstart,
		      x->flen) == 0;
}

/* Whether the words of @term start at word @i of @text. */
static bool term_at(const struct rw_tokens *text, size_t i,
		    const struct rw_tokens *term)
{
	size_t j;

	if (term->n > text->n - i)
		return false;
	for (j = 0; j < term->n; j++)
		if (!token_eq(text, i + j, term, j))
			return false;
	return true;
}

/*
 * Count the occurrences of @term in @text; if @spans is not NULL, append
 * each one's byte range to it (*@nspans entries, room for text->n).
 */
static size_t count_term(const struct rw_tokens *text,
			 const struct rw_tokens *term,
			 struct rw_span *spans, size_t *nspans)
{
	size_t i, count = 0;

	for (i = 0; i < text->n; i++) {
		if (!term_at(text, i, term))
			continue;
		count++;
		if (spans) {
			spans[*nspans].start = text->v[i].start;
			spans[*nspans].end = text->v[i + term->n - 1].end;
			(*nspans)++;
		}
	}
	return count;
}

/*
 * The occurrences of the terms in s[0, len) into *@count, and the terms
 * found marked in @found if not NULL; returns how many terms it has, or
 * -1 when out of memory.
 */
static int count_terms(const char *s, size_t len, const struct rw_terms *terms,
		       bool *found, size_t *count)
{
	struct rw_tokens text;
	size_t t, n;
	int nterms = 0;

	*count = 0;
	if (rw_tokenize(s, len, &text))
		return -1;
	for (t = 0; t < terms->n; t++) {
		n = count_term(&text, &terms->tok[t], NULL, NULL);
		*count += n;
		nterms += n > 0;
		if (n && found)
			found[t] = true;
	}
	rw_tokens_free(&text);
	return nterms;
}

/* A candidate sentence: where it is, and how well it matches. */
struct sentence {
	const char *s;
	size_t len;
	int nterms;
	size_t count;
};

static bool is_closer(char c)
{
	return c == '"' || c == '\'' || c == ')' || c == ']';
}

/* The end of the sentence that starts at @s: after ". " and the like. */
static size_t sentence_len(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		size_t j = i + 1;

		if (s[i] != '.' && s[i] != '!' && s[i] != '?')
			continue;
		for (;;) {		/* closing quotes: ' " ’ ” ) ] */
			if (j < len && is_closer(s[j]))
				j++;
			else if (j + 3 <= len && memcmp(s + j, "\xe2\x80", 2) == 0 &&
				 (s[j + 2] == '\x99' || s[j + 2] == '\x9d'))
				j += 3;
			else
				break;
		}
		if (j == len || s[j] == ' ')
			return j;
	}
	return len;
}

/* Rate the sentences of @s and keep the best in @best. */
static int best_sentence(const char *s, bool split,
			 const struct rw_terms *terms, struct sentence *best)
{
	size_t len = strlen(s), pos = 0;

	while (pos < len) {
		struct sentence c;

		while (pos < len && s[pos] == ' ')
			pos++;
		if (pos == len)
			break;
		c.s = s + pos;
		c.len = split ? sentence_len(c.s, len - pos) : len - pos;
		c.nterms = count_terms(c.s, c.len, terms, NULL, &c.count);
		if (c.nterms < 0)
			return -1;
		if (c.nterms > best->nterms ||
		    (c.nterms == best->nterms && c.count > best->count))
			*best = c;
		pos += c.len;
	}
	return 0;
}

static int cmp_span(const void *a, const void *b)
{
	const struct rw_span *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->end < y->end ? -1 : x->end > y->end;
}

/* Copy the sentence into @m and mark where the terms are in it. */
static int set_sentence(struct rw_match *m, const struct sentence *best,
			const struct rw_terms *terms)
{
	struct rw_tokens text;
	size_t t, i, n = 0;

	m->sentence = strndup(best->s, best->len);
	if (!m->sentence || rw_tokenize(m->sentence, best->len, &text))
		return -1;
	m->spans = calloc(text.n * terms->n + 1, sizeof(*m->spans));
	if (!m->spans) {
		rw_tokens_free(&text);
		return -1;
	}
	for (t = 0; t < terms->n; t++)
		count_term(&text, &terms->tok[t], m->spans, &n);
	rw_tokens_free(&text);

	/* Sort and merge overlapping spans ("memory" and "memory safety"). */
	qsort(m->spans, n, sizeof(*m->spans), cmp_span);
	m->nspans = 0;
	for (i = 0; i < n; i++) {
		struct rw_span *last = m->nspans ? &m->spans[m->nspans - 1] : NULL;

		if (last && m->spans[i].start <= last->end) {
			if (m->spans[i].end > last->end)
				last->end = m->spans[i].end;
		} else {
			m->spans[m->nspans++] = m->spans[i];
		}
	}
	return 0;
}

/* Fill @m for @dom if it matches; m->nterms stays 0 when it does not. */
static int match_domain(const struct rw_domain *dom,
			const struct rw_terms *terms, bool *found,
			struct rw_match *m)
{
	static const unsigned int weight[] = { 5, 5, 4, 3, 1 };
	const char *field[] = {
		dom->name, dom->title, dom->projects, dom->summary, dom->body,
	};
	struct sentence best = { dom->summary, strlen(dom->summary), 0, 0 };
	bool *here = calloc(terms->n ? terms->n : 1, sizeof(bool));
	size_t t, count;
	int rc = -1;

	if (!here)
		return -1;
	for (t = 0; t < 5; t++) {
		if (count_terms(field[t], strlen(field[t]), terms, here,
				&count) < 0)
			goto out;
		m->score += count * weight[t];
	}
	for (t = 0; t < terms->n; t++) {
		m->nterms += here[t];
		found[t] |= here[t];
	}
	rc = 0;
	if (m->nterms == 0)
		goto out;

	rc = -1;
	if (best_sentence(dom->summary, true, terms, &best) ||
	    best_sentence(dom->body, true, terms, &best) ||
	    best_sentence(dom->title, false, terms, &best) ||
	    best_sentence(dom->projects, false, terms, &best) ||
	    set_sentence(m, &best, terms))
		goto out;
	rc = 0;
out:
	free(here);
	return rc;
}

static int cmp_match(const void *a, const void *b)
{
	const struct rw_match *x = a, *y = b;

	if (x->nterms != y->nterms)
		return x->nterms > y->nterms ? -1 : 1;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return x->domain < y->domain ? -1 : x->domain > y->domain;
}

static void match_free(struct rw_match *m)
{
	free(m->sentence);
	free(m->spans);
	memset(m, 0, sizeof(*m));
}

int rw_search(const struct rw_domain *const *doms, size_t ndoms,
	      const struct rw_terms *terms, struct rw_results *res,
	      struct rw_error *err)
{
	size_t d;

	memset(res, 0, sizeof(*res));
	res->v = calloc(ndoms ? ndoms : 1, sizeof(*res->v));
	res->found = calloc(terms->n ? terms->n : 1, sizeof(bool));
	if (!res->v || !res->found)
		goto nomem;
	res->nterms = terms->n;

	for (d = 0; d < ndoms; d++) {
		struct rw_match *m = &res->v[res->n];

		if (!doms[d])
			continue;
		m->domain = d;
		if (match_domain(doms[d], terms, res->found, m)) {
			match_free(m);
			goto nomem;
		}
		if (m->nterms)
			res->n++;
		else
			match_free(m);
	}
	qsort(res->v, res->n, sizeof(*res->v), cmp_match);
	return 0;
nomem:
	rw_results_free(res);
	return rw_error_set(err, RW_ENOMEM, "out of memory");
}

void rw_results_free(struct rw_results *res)
{
	size_t i;

	for (i = 0; res->v && i < res->n; i++)
		match_free(&res->v[i]);
	free(res->v);
	free(res->found);
	memset(res, 0, sizeof(*res));
}
