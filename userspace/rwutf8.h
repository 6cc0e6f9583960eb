/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rustwhere: UTF-8 decoding, display width, case folding and word classes.
 *
 * The prose (reading view, search results) is measured with this width
 * table rather than with wcwidth(): wcwidth() needs locale data, and the
 * prose must be the same bytes in a minimal initramfs that has none as on
 * a desktop.  The table is measured by libsmartcols, through wcwidth() in
 * C.UTF-8 (rwcols.c); the two agree on the text of module/content and of
 * the test fixtures (tests/host/run.sh checks it).
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

/* Encode @cp into @out (4 bytes at least); returns the length. */
size_t rw_utf8_encode(uint32_t cp, char *out);

/* Columns @cp takes on a terminal: 0, 1 or 2 (never for a control). */
int rw_cp_width(uint32_t cp);

/* Display width of the first @len bytes of valid UTF-8 at @s. */
size_t rw_str_width(const char *s, size_t len);

/* Simple case folding: the lowercase form for Latin, Greek and Cyrillic. */
uint32_t rw_cp_fold(uint32_t cp);

/* Whether @cp belongs to a word: letters, digits, '_' and combining marks. */
bool rw_cp_is_word(uint32_t cp);

/* Whether @cp is a control character (C0, DEL or C1). */
static inline bool rw_cp_is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp < 0xa0);
}

#endif /* RW_UTF8_H */
