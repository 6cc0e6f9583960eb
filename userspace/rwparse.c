// SPDX-License-Identifier: GPL-2.0
/*
 * rustwhere: parse the text of the files under /proc/rustwhere.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rustwhere_name.h"	/* module/: the rule for a domain's name */
#include "rwparse.h"
#include "rwutf8.h"

/* The keys of a domain file and of the about file, in their order. */
static const char *const domain_keys[] = {
	"name", "title", "summary", "projects", "body",
};
static const char *const about_keys[] = { "title", "claim", "pattern" };

/*
 * Check the file as a whole: not empty, well-formed UTF-8 without NUL or
 * other control characters, and newline-terminated.
 */
static int check_text(const char *buf, size_t len, const char *path,
		      struct rw_error *err)
{
	unsigned int line = 1;
	size_t i = 0, col = 1;

	if (len == 0)
		return rw_error_set(err, RW_EFORMAT, "%s: file is empty", path);

	while (i < len) {
		uint32_t cp;
		size_t n = rw_utf8_decode(buf + i, len - i, &cp);

		if (n == 0)
			return rw_error_set(err, RW_EFORMAT,
				"%s:%u: invalid UTF-8 (byte 0x%02x at byte %zu of the line)",
				path, line, (unsigned char)buf[i], col);
		if (cp == '\n') {
			line++;
			col = 1;
			i++;
			continue;
		}
		if (cp == 0)
			return rw_error_set(err, RW_EFORMAT,
				"%s:%u: NUL byte at byte %zu of the line", path, line, col);
		if (cp == '\r')
			return rw_error_set(err, RW_EFORMAT,
				"%s:%u: carriage return (DOS line ending?)", path, line);
		if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))	/* C0, DEL, C1 */
			return rw_error_set(err, RW_EFORMAT,
				"%s:%u: control character U+%04X at byte %zu of the line",
				path, line, (unsigned int)cp, col);
		i += n;
		col += n;
	}
	if (buf[len - 1] != '\n')
		return rw_error_set(err, RW_EFORMAT,
			"%s:%u: last line does not end with a newline", path, line);
	return 0;
}

/* Iterate over the lines of text that check_text() accepted. */
struct line_iter {
	const char *p;
	const char *end;
	unsigned int lineno;
};

static bool next_line(struct line_iter *it, const char **line, size_t *len)
{
	const char *nl;

	if (it->p >= it->end)
		return false;
	nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
	if (!nl)
		nl = it->end;		/* not reached: the text ends with '\n' */
	*line = it->p;
	*len = (size_t)(nl - it->p);
	it->p = nl + 1;
	it->lineno++;
	return true;
}

static bool is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

/*
 * Split "key: value"; on error return a description of the fault.  With
 * @any_key the key's characters are not checked: an index line's is a
 * domain's name, which has a rule of its own (valid_domain_name()).
 */
static const char *split_line(const char *line, size_t len, bool any_key,
			      size_t *klen, const char **val, size_t *vlen)
{
	const char *colon;
	size_t i;

	if (len == 0)
		return "empty line";
	colon = memchr(line, ':', len);
	if (!colon)
		return "not a \"key: value\" line (no colon)";
	*klen = (size_t)(colon - line);
	if (*klen == 0)
		return "not a \"key: value\" line (nothing before the colon)";
	for (i = 0; i < *klen && !any_key; i++)
		if (!is_key_char(line[i]))
			return "not a \"key: value\" line (the key must be lowercase letters, digits, '_' or '-')";
	if (colon + 1 == line + len)
		return "empty value";
	if (colon[1] != ' ')
		return "not a \"key: value\" line (no space after the colon)";
	*val = colon + 2;
	*vlen = len - *klen - 2;
	if (*vlen == 0)
		return "empty value";
	if ((*val)[0] == ' ')
		return "more than one space after the colon";
	if ((*val)[*vlen - 1] == ' ')
		return "value ends with a space";
	return NULL;
}

static int line_error(struct rw_error *err, const char *path,
		      unsigned int line, const char *what)
{
	return rw_error_set(err, RW_EFORMAT, "%s:%u: %s", path, line, what);
}

static int find_key(const char *const keys[], size_t nkeys,
		    const char *key, size_t klen)
{
	size_t i;

	for (i = 0; i < nkeys; i++)
		if (strlen(keys[i]) == klen && memcmp(keys[i], key, klen) == 0)
			return (int)i;
	return -1;
}

/* "name, title, summary" for messages. */
static void key_list(char *out, size_t size, const char *const keys[],
		     size_t nkeys)
{
	size_t i, len = 0;

	out[0] = '\0';
	for (i = 0; i < nkeys && len < size; i++)
		len += (size_t)snprintf(out + len, size - len, "%s%s",
					i ? ", " : "", keys[i]);
}

/*
 * Parse a file of known keys into *@values[i] (@nkeys strings, all NULL on
 * entry); @lines gets the line of each.  Each key must be there once, in
 * the order given; other keys are skipped, so a newer module may add some.
 */
static int parse_record(const char *buf, size_t len, const char *path,
			const char *const keys[], size_t nkeys,
			char **const values[], unsigned int *lines,
			struct rw_error *err)
{
	struct line_iter it = { buf, buf + len, 0 };
	const char *line, *val = NULL;
	size_t llen, klen = 0, vlen = 0, i;
	char order[128];
	int rc;

	rc = check_text(buf, len, path, err);
	if (rc)
		return rc;

	while (next_line(&it, &line, &llen)) {
		const char *what = split_line(line, llen, false, &klen, &val, &vlen);
		int k;

		if (what)
			return line_error(err, path, it.lineno, what);
		k = find_key(keys, nkeys, line, klen);
		if (k < 0)
			continue;
		if (*values[k])
			return rw_error_set(err, RW_EFORMAT,
				"%s:%u: duplicate field \"%s\" (first on line %u)",
				path, it.lineno, keys[k], lines[k]);
		*values[k] = strndup(val, vlen);
		if (!*values[k])
			return rw_error_set(err, RW_ENOMEM, "%s: out of memory", path);
		lines[k] = it.lineno;
	}
	for (i = 0; i < nkeys; i++)
		if (!*values[i])
			return rw_error_set(err, RW_EFORMAT,
				"%s: missing field \"%s\"", path, keys[i]);
	key_list(order, sizeof(order), keys, nkeys);
	for (i = 1; i < nkeys; i++)
		if (lines[i] < lines[i - 1])
			return rw_error_set(err, RW_EFORMAT,
				"%s:%u: field \"%s\" comes before \"%s\" (line %u); the order is %s",
				path, lines[i], keys[i], keys[i - 1],
				lines[i - 1], order);
	return 0;
}

/* Whether @c is one of the characters of @set, a string literal. */
#define IN_SET(c, set) \
	((c) != '\0' && memchr(set, (c), sizeof(set) - 1) != NULL)

/*
 * Whether @name (@len bytes, not NUL-terminated) can be a domain name, by
 * the one rule, module/rustwhere_name.h's: a byte of RUSTWHERE_NAME_FIRST,
 * then bytes of RUSTWHERE_NAME_CHARS, and neither "index" nor "about".
 * @reserved is set when only the last part fails.
 */
static bool valid_domain_name(const char *name, size_t len, bool *reserved)
{
	size_t i;

	*reserved = false;
	if (len == 0 || !IN_SET(name[0], RUSTWHERE_NAME_FIRST))
		return false;
	for (i = 1; i < len; i++)
		if (!IN_SET(name[i], RUSTWHERE_NAME_CHARS))
			return false;
	if ((len == 5 && memcmp(name, "index", 5) == 0) ||
	    (len == 5 && memcmp(name, "about", 5) == 0)) {
		*reserved = true;
		return false;
	}
	return true;
}

const struct rw_index_entry *rw_index_find(const struct rw_index *idx,
					   const char *name)
{
	size_t i;

	for (i = 0; i < idx->n; i++)
		if (strcmp(idx->v[i].name, name) == 0)
			return &idx->v[i];
	return NULL;
}

void rw_index_free(struct rw_index *idx)
{
	size_t i;

	for (i = 0; i < idx->n; i++) {
		free(idx->v[i].name);
		free(idx->v[i].title);
	}
	free(idx->v);
	idx->v = NULL;
	idx->n = 0;
}

static int index_add(struct rw_index *idx, const char *name, size_t nlen,
		     const char *title, size_t tlen)
{
	struct rw_index_entry *v, *e;

	v = realloc(idx->v, (idx->n + 1) * sizeof(*v));
	if (!v)
		return -1;
	idx->v = v;
	e = &idx->v[idx->n];
	e->name = strndup(name, nlen);
	e->title = strndup(title, tlen);
	if (!e->name || !e->title) {
		free(e->name);
		free(e->title);
		return -1;
	}
	idx->n++;
	return 0;
}

/*
 * The length of the longest prefix of @s (@len bytes of valid UTF-8) of
 * at most @max bytes that does not cut a character.
 */
static size_t utf8_prefix(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return max;
}

static int parse_index_line(struct rw_index *idx, const char *path,
			    unsigned int lineno, const char *line, size_t llen,
			    struct rw_error *err)
{
	const char *title = NULL;
	size_t nlen = 0, tlen = 0, i;
	const char *what = split_line(line, llen, true, &nlen, &title, &tlen);
	bool reserved;

	if (what)
		return line_error(err, path, lineno, what);
	if (!valid_domain_name(line, nlen, &reserved))
		return rw_error_set(err, RW_EFORMAT,
			"%s:%u: \"%.*s\" cannot be a domain name (%s)", path,
			lineno, (int)utf8_prefix(line, nlen, 40), line,
			reserved ? "the name of another file under the root" :
			"a name is a lowercase letter, then lowercase letters, digits or '_'");
	for (i = 0; i < idx->n; i++)
		if (strlen(idx->v[i].name) == nlen &&
		    memcmp(idx->v[i].name, line, nlen) == 0)
			return rw_error_set(err, RW_EFORMAT,
				"%s:%u: domain \"%s\" is listed twice", path,
				lineno, idx->v[i].name);
	if (idx->n >= RW_DOMAINS_MAX)
		return rw_error_set(err, RW_EFORMAT,
			"%s:%u: more than %d domains listed", path, lineno,
			RW_DOMAINS_MAX);
	if (index_add(idx, line, nlen, title, tlen))
		return rw_error_set(err, RW_ENOMEM, "%s: out of memory", path);
	return 0;
}

int rw_parse_index(const char *buf, size_t len, const char *path,
		   struct rw_index *idx, struct rw_error *err)
{
	struct line_iter it = { buf, buf + len, 0 };
	const char *line;
	size_t llen;
	int rc;

	memset(idx, 0, sizeof(*idx));
	rc = check_text(buf, len, path, err);
	while (rc == 0 && next_line(&it, &line, &llen))
		rc = parse_index_line(idx, path, it.lineno, line, llen, err);
	if (rc)
		rw_index_free(idx);
	return rc;
}

/* Split "a, b, c" into dom->project[]. */
static int split_projects(struct rw_domain *dom)
{
	const char *p = dom->projects;
	size_t n = 1, i = 0;

	for (; *p; p++)
		if (*p == ',')
			n++;
	dom->project = calloc(n, sizeof(char *));
	if (!dom->project)
		return -1;
	p = dom->projects;
	for (i = 0; i < n; i++) {
		const char *end = strchr(p, ',');
		size_t l;

		if (!end)
			end = p + strlen(p);
		while (*p == ' ')
			p++;
		l = (size_t)(end - p);
		while (l > 0 && p[l - 1] == ' ')
			l--;
		if (l == 0)
			return 1;
		dom->project[i] = strndup(p, l);
		if (!dom->project[i])
			return -1;
		dom->nprojects++;
		p = *end ? end + 1 : end;
	}
	return 0;
}

void rw_domain_free(struct rw_domain *dom)
{
	size_t i;

	for (i = 0; i < dom->nprojects; i++)
		free(dom->project[i]);
	free(dom->project);
	free(dom->name);
	free(dom->title);
	free(dom->summary);
	free(dom->projects);
	free(dom->body);
	memset(dom, 0, sizeof(*dom));
}

int rw_parse_domain(const char *buf, size_t len, const char *path,
		    const char *expect_name, struct rw_domain *dom,
		    struct rw_error *err)
{
	char **const v[] = {
		&dom->name, &dom->title, &dom->summary, &dom->projects,
		&dom->body,
	};
	unsigned int lines[ARRAY_SIZE(v)] = { 0 };
	int rc;

	memset(dom, 0, sizeof(*dom));
	rc = parse_record(buf, len, path, domain_keys, ARRAY_SIZE(v), v, lines,
			  err);
	if (rc == 0 && expect_name && strcmp(dom->name, expect_name) != 0)
		rc = rw_error_set(err, RW_EFORMAT,
			"%s:%u: name \"%s\" does not match the index entry \"%s\"",
			path, lines[0], dom->name, expect_name);
	if (rc == 0) {
		rc = split_projects(dom);
		if (rc < 0)
			rc = rw_error_set(err, RW_ENOMEM, "%s: out of memory", path);
		else if (rc > 0)
			rc = rw_error_set(err, RW_EFORMAT,
				"%s:%u: empty entry in the projects list", path,
				lines[3]);
	}
	if (rc)
		rw_domain_free(dom);
	return rc;
}

void rw_about_free(struct rw_about *about)
{
	free(about->title);
	free(about->claim);
	free(about->pattern);
	memset(about, 0, sizeof(*about));
}

int rw_parse_about(const char *buf, size_t len, const char *path,
		   struct rw_about *about, struct rw_error *err)
{
	char **const v[] = { &about->title, &about->claim, &about->pattern };
	unsigned int lines[ARRAY_SIZE(v)] = { 0 };
	int rc;

	memset(about, 0, sizeof(*about));
	rc = parse_record(buf, len, path, about_keys, ARRAY_SIZE(v), v, lines,
			  err);
	if (rc)
		rw_about_free(about);
	return rc;
}
