/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rustwhere: output built in memory, and error reports.
 *
 * Nothing in the library part of the reader (rw*.c) prints or exits: it
 * fills a struct rw_buf or a struct rw_error and returns, so the fuzzer can
 * drive it and main.c decides what to print and how to exit.
 */
#ifndef RW_UTIL_H
#define RW_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * Text written to ->fp, an open_memstream(); after rw_buf_flush() ->data
 * holds its ->len bytes and a NUL.  ->failed: out of memory (->fp may be
 * NULL then).
 */
struct rw_buf {
	char *data;
	size_t len;
	FILE *fp;
	bool failed;
};

void rw_buf_init(struct rw_buf *b);
void rw_buf_free(struct rw_buf *b);
void rw_buf_reset(struct rw_buf *b);
int rw_buf_flush(struct rw_buf *b);
const char *rw_buf_str(const struct rw_buf *b);

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

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
