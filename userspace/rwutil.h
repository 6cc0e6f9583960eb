/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rustwhere: growing output buffer and error reports.
 *
 * Nothing in the library part of the reader (rw*.c) prints or exits: it
 * fills a struct rw_buf or a struct rw_error and returns, so the fuzzer can
 * drive it and main.c decides what to print and how to exit.
 */
#ifndef RW_UTIL_H
#define RW_UTIL_H

#include <stdbool.h>
#include <stddef.h>

/* A growing byte string; on allocation failure it sets ->failed and stops. */
struct rw_buf {
	char *data;		/* NUL-terminated when ->len > 0 */
	size_t len;
	size_t cap;
	bool failed;
};

void rw_buf_init(struct rw_buf *b);
void rw_buf_free(struct rw_buf *b);
void rw_buf_reset(struct rw_buf *b);
bool rw_buf_reserve(struct rw_buf *b, size_t extra);
void rw_buf_add(struct rw_buf *b, const char *s, size_t n);
void rw_buf_puts(struct rw_buf *b, const char *s);
void rw_buf_putc(struct rw_buf *b, char c);
void rw_buf_repeat(struct rw_buf *b, const char *s, size_t times);
const char *rw_buf_str(const struct rw_buf *b);

/* One error, ready to print after "rustwhere: ". */
struct rw_error {
	int code;		/* an RW_E* value, 0 when no error */
	char msg[512];
};

enum {
	RW_EOK = 0,
	RW_ENOMEM,		/* out of memory */
	RW_EIO,			/* a file or the root cannot be opened or read */
	RW_ENOROOT,		/* the root directory does not exist */
	RW_EFORMAT,		/* a file breaks the content contract */
	RW_EUSAGE,		/* bad input from the command line */
};

void rw_error_setf(struct rw_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Fill @err (which may be NULL) and give -@code, so that a failing
 * function can end with "return rw_error_set(err, RW_E..., ...);".
 */
#define rw_error_set(err, code, ...) \
	(rw_error_setf((err), (code), __VA_ARGS__), -(code))

#endif /* RW_UTIL_H */
