/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rustwhere: UTF-8 decoding, display width, case folding and word classes.
 *
 * Text is measured, folded and classified by the C library in the locale
 * main() sets, C.UTF-8: the one measure of the prose and of the table
 * (libsmartcols measures with the same wcwidth()).
 */
#ifndef RW_UTF8_H
#define RW_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Decode the character at @s (at most @len bytes).  Returns its length in
 * bytes (1-4) and stores it in *@cp, or returns 0 if the bytes are not
 * well-formed UTF-8 (overlong forms, surrogates and values past U+10FFFF
 * included).
 */
size_t rw_utf8_decode(const char *s, size_t len, uint32_t *cp);

/*
 * The columns of the character at @s (at most @len bytes), by mbrtowc()
 * and wcwidth(); stores its length in bytes in *@n.  A character that
 * does not decode in the current locale (no UTF-8 locale) takes a column
 * per byte; a
 * character wcwidth() cannot measure (unassigned, U+2028) is -1.
 */
int rw_char_width(const char *s, size_t len, size_t *n);

/* Display width of the first @len bytes at @s; -1 above counts as 1. */
size_t rw_str_width(const char *s, size_t len);

/* Case folding: towlower(towupper()), so that ς is σ and ſ is s. */
uint32_t rw_cp_fold(uint32_t cp);

/* Whether @cp belongs to a word: iswalnum(), '_' and combining marks. */
bool rw_cp_is_word(uint32_t cp);

/* Whether @cp is a control character (C0, DEL or C1). */
static inline bool rw_cp_is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp < 0xa0);
}

#endif /* RW_UTF8_H */
