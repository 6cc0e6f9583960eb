// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of rustwhere's content table: rustwhere_files[] as
 * module/content.c builds it, linked into this test module.
 *
 * The table is what /proc/rustwhere serves, so these are the promises of
 * proc_rustwhere(5) checked at the source: "index" and "about" first, then
 * one file per domain in the order of index; names unique; every file
 * non-empty single-line "key: value" text in valid UTF-8 ending in a
 * newline; every domain has name, title, summary, projects and body, in
 * that order, with its own name; about has title, claim and pattern; the
 * index lists each domain exactly once with its title.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/string.h>

#include "rustwhere.h"
#include "rustwhere_name.h"

static const char *const domain_keys[] = { "name", "title", "summary", "projects", "body" };
static const char *const about_keys[] = { "title", "claim", "pattern" };

/* The next line of [*pos, end) without its '\n'; false at the end. */
static bool next_line(const char **pos, const char *end, const char **line, size_t *len)
{
	const char *nl;

	if (*pos >= end)
		return false;
	*line = *pos;
	nl = memchr(*pos, '\n', end - *pos);
	*len = (nl ? nl : end) - *pos;
	*pos = nl ? nl + 1 : end;
	return true;
}

/* Length of the key of a "key: value" line, 0 if it is not one. */
static size_t key_len(const char *line, size_t len)
{
	size_t k = 0;

	while (k < len && ((line[k] >= 'a' && line[k] <= 'z') ||
			   (line[k] >= '0' && line[k] <= '9') || line[k] == '_'))
		k++;
	if (!k || k + 2 >= len || line[k] != ':' || line[k + 1] != ' ' || line[k + 2] == ' ')
		return 0;
	return k;
}

/* The value of KEY in file F, and its length; NULL if absent. */
static const char *value_of(const struct rustwhere_file *f, const char *key, size_t *vlen)
{
	const char *pos = f->start, *line;
	size_t len, k, klen = strlen(key);

	while (next_line(&pos, f->end, &line, &len)) {
		k = key_len(line, len);
		if (k == klen && !memcmp(line, key, k)) {
			*vlen = len - k - 2;
			return line + k + 2;
		}
	}
	return NULL;
}

/* Offset of the first byte that is not valid UTF-8, or len. */
static size_t utf8_valid_upto(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned int c = s[i], need, cp, k;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			need = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			need = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			need = 3, cp = c & 0x07;
		else
			return i;
		if (i + need >= len)
			return i;
		for (k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return i;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += need + 1;
	}
	return len;
}

static void rw_table_layout(struct kunit *test)
{
	KUNIT_ASSERT_GE(test, rustwhere_nr_files, 3);
	KUNIT_EXPECT_STREQ(test, rustwhere_files[0].name, "index");
	KUNIT_EXPECT_STREQ(test, rustwhere_files[1].name, "about");
}

static void rw_names_unique(struct kunit *test)
{
	size_t i, j;

	for (i = 0; i < rustwhere_nr_files; i++) {
		const char *n = rustwhere_files[i].name;

		/* The rule of rustwhere_name.h, index and about included. */
		KUNIT_EXPECT_GT_MSG(test, strlen(n), 0, "file %zu has no name", i);
		KUNIT_EXPECT_TRUE_MSG(test, n[0] && strchr(RUSTWHERE_NAME_FIRST, n[0]),
				      "name '%s' starts as rustwhere_name.h does not allow", n);
		KUNIT_EXPECT_EQ_MSG(test, strspn(n, RUSTWHERE_NAME_CHARS), strlen(n),
				    "name '%s' has a character rustwhere_name.h does not allow", n);
		for (j = i + 1; j < rustwhere_nr_files; j++)
			KUNIT_EXPECT_STRNEQ_MSG(test, n, rustwhere_files[j].name,
						"files %zu and %zu share a name", i, j);
	}
}

/* Every file: non-empty UTF-8 "key: value" lines, one newline at the end. */
static void rw_files_are_text(struct kunit *test)
{
	size_t i;

	for (i = 0; i < rustwhere_nr_files; i++) {
		const struct rustwhere_file *f = &rustwhere_files[i];
		size_t size = rustwhere_file_size(f), len, bad, nr = 0;
		const char *pos = f->start, *line;

		KUNIT_EXPECT_GT_MSG(test, size, 0, "%s is empty", f->name);
		if (!size)
			continue;
		KUNIT_EXPECT_EQ_MSG(test, f->end[-1], '\n',
				    "%s does not end in a newline", f->name);
		KUNIT_EXPECT_NULL_MSG(test, memchr(f->start, '\0', size),
				      "%s has a NUL byte", f->name);
		KUNIT_EXPECT_NULL_MSG(test, memchr(f->start, '\r', size),
				      "%s has a CR byte", f->name);
		bad = utf8_valid_upto((const unsigned char *)f->start, size);
		KUNIT_EXPECT_EQ_MSG(test, bad, size, "%s: invalid UTF-8 at byte %zu", f->name, bad);
		while (next_line(&pos, f->end, &line, &len)) {
			nr++;
			KUNIT_EXPECT_GT_MSG(test, key_len(line, len), 0,
					    "%s line %zu is not 'key: value': '%.*s'",
					    f->name, nr, (int)min_t(size_t, len, 60), line);
		}
	}
}

/* KEYS, exactly and in order, are the keys of F. */
static void expect_keys(struct kunit *test, const struct rustwhere_file *f,
			const char *const *keys, size_t nkeys)
{
	const char *pos = f->start, *line;
	size_t len, k, n = 0;

	while (next_line(&pos, f->end, &line, &len)) {
		bool same;

		k = key_len(line, len);
		if (n < nkeys) {
			same = k == strlen(keys[n]) && !memcmp(line, keys[n], k);
			KUNIT_EXPECT_TRUE_MSG(test, same, "%s: line %zu is '%.*s', want key '%s'",
					      f->name, n + 1, (int)min_t(size_t, len, 40), line,
					      keys[n]);
		}
		n++;
	}
	KUNIT_EXPECT_EQ_MSG(test, n, nkeys, "%s has %zu lines, want %zu", f->name, n, nkeys);
}

static void rw_domains_have_every_field(struct kunit *test)
{
	size_t i, vlen;

	for (i = 2; i < rustwhere_nr_files; i++) {
		const struct rustwhere_file *f = &rustwhere_files[i];
		const char *name;

		expect_keys(test, f, domain_keys, ARRAY_SIZE(domain_keys));
		name = value_of(f, "name", &vlen);
		KUNIT_EXPECT_TRUE_MSG(test, name && vlen == strlen(f->name) &&
				      !memcmp(name, f->name, vlen),
				      "%s: the name field is not '%s'", f->name, f->name);
	}
}

static void rw_about_has_every_field(struct kunit *test)
{
	KUNIT_ASSERT_STREQ(test, rustwhere_files[1].name, "about");
	expect_keys(test, &rustwhere_files[1], about_keys, ARRAY_SIZE(about_keys));
}

/* index: one "name: title" line per domain, in table order, each once. */
static void rw_index_lists_each_domain_once(struct kunit *test)
{
	const struct rustwhere_file *index = &rustwhere_files[0];
	const char *pos = index->start, *line, *title;
	size_t len, k, n = 0, tlen, i, seen;

	KUNIT_ASSERT_STREQ(test, index->name, "index");
	while (next_line(&pos, index->end, &line, &len)) {
		const struct rustwhere_file *f;

		n++;
		k = key_len(line, len);
		KUNIT_EXPECT_GT_MSG(test, k, 0, "index line %zu is not 'name: title'", n);
		if (!k)
			continue;
		seen = 0;
		for (i = 2; i < rustwhere_nr_files; i++)
			if (strlen(rustwhere_files[i].name) == k &&
			    !memcmp(rustwhere_files[i].name, line, k))
				seen++;
		KUNIT_EXPECT_EQ_MSG(test, seen, 1, "index line %zu: '%.*s' names %zu domains",
				    n, (int)k, line, seen);
		if (n + 1 >= rustwhere_nr_files)
			continue;
		f = &rustwhere_files[n + 1];
		KUNIT_EXPECT_TRUE_MSG(test, strlen(f->name) == k && !memcmp(f->name, line, k),
				      "index line %zu is '%.*s', the table has '%s' there",
				      n, (int)k, line, f->name);
		title = value_of(f, "title", &tlen);
		KUNIT_EXPECT_TRUE_MSG(test, title && tlen == len - k - 2 &&
				      !memcmp(title, line + k + 2, tlen),
				      "index line %zu: the title is not that of %s", n, f->name);
	}
	KUNIT_EXPECT_EQ_MSG(test, n, rustwhere_nr_files - 2,
			    "index has %zu lines for %zu domains", n, rustwhere_nr_files - 2);
}

static struct kunit_case rustwhere_content_cases[] = {
	KUNIT_CASE(rw_table_layout),
	KUNIT_CASE(rw_names_unique),
	KUNIT_CASE(rw_files_are_text),
	KUNIT_CASE(rw_domains_have_every_field),
	KUNIT_CASE(rw_about_has_every_field),
	KUNIT_CASE(rw_index_lists_each_domain_once),
	{}
};

static struct kunit_suite rustwhere_content_suite = {
	.name = "rustwhere_content",
	.test_cases = rustwhere_content_cases,
};

kunit_test_suite(rustwhere_content_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of the rustwhere content table");
