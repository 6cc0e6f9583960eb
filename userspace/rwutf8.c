// SPDX-License-Identifier: GPL-2.0
/*
 * rustwhere: UTF-8 decoding, display width, case folding and word classes.
 *
 * The decoder is the format's own check (rwparse.c): the files are UTF-8
 * whatever the locale.  Everything else is the C library's, in the locale
 * main() sets (C.UTF-8): mbrtowc() and wcwidth() measure, towlower() folds
 * and iswalnum() tells a word.  Where no UTF-8 locale can be set (no locale
 * data), each byte of a character that does not decode counts as one
 * column: a line is never wider than the width, only shorter where it
 * holds non-ASCII text, and it still breaks between characters.
 */
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "rwutf8.h"

size_t rw_utf8_decode(const char *str, size_t len, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t c, min;
	size_t n, i;

	if (len == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	} else if ((s[0] & 0xe0) == 0xc0) {
		n = 2, c = s[0] & 0x1f, min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3, c = s[0] & 0x0f, min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4, c = s[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

int rw_char_width(const char *s, size_t len, size_t *n)
{
	mbstate_t st;
	wchar_t wc;
	size_t k;

	*n = 1;
	if (len == 0 || *s == '\0')
		return 0;
	memset(&st, 0, sizeof(st));
	k = mbrtowc(&wc, s, len, &st);
	if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
		uint32_t cp;

		/* No UTF-8 locale: the character's bytes, a column each. */
		k = rw_utf8_decode(s, len, &cp);
		*n = k ? k : 1;
		return (int)*n;
	}
	*n = k;
	return wcwidth(wc);
}

/*
 * towlower() of towupper(): lowercase alone leaves the final sigma and
 * the long s as they are, which the search must fold to sigma and s.
 */
uint32_t rw_cp_fold(uint32_t cp)
{
	return (uint32_t)towlower(towupper((wint_t)cp));
}

bool rw_cp_is_word(uint32_t cp)
{
	wint_t wc = (wint_t)cp;

	if (cp == '_' || iswalnum(wc))
		return true;
	/* Combining marks belong to their letter. */
	return cp >= 0x300 && iswprint(wc) && wcwidth((wchar_t)cp) == 0;
}
