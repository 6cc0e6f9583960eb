/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rustwhere: UTF-8 decoding, display width, case folding and word classes,
 * by the C library in the locale main() sets, C.UTF-8 (see rwutf8.c).
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
 * per byte; one wcwidth() cannot measure (unassigned, U+2028) is -1.
 */
int rw_char_width(const char *s, size_t len, size_t *n);

/* Case folding: towlower(towupper()), so that ς is σ and ſ is s. */
uint32_t rw_cp_fold(uint32_t cp);

/* Whether @cp belongs to a word: iswalnum(), '_' and combining marks. */
bool rw_cp_is_word(uint32_t cp);

#endif /* RW_UTF8_H */
