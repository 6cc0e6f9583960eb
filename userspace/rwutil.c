// SPDX-License-Identifier: GPL-2.0
/*
 * rustwhere: growing output buffer and error reports.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rwutil.h"

void rw_buf_init(struct rw_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void rw_buf_free(struct rw_buf *b)
{
	free(b->data);
	rw_buf_init(b);
}

/* Empty the buffer but keep its memory. */
void rw_buf_reset(struct rw_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

bool rw_buf_reserve(struct rw_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (b->failed)
		return false;
	if (extra > SIZE_MAX - b->len - 1)
		goto fail;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return true;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = realloc(b->data, cap);
	if (!p)
		goto fail;
	b->data = p;
	b->cap = cap;
	return true;
fail:
	b->failed = true;
	return false;
}

void rw_buf_add(struct rw_buf *b, const char *s, size_t n)
{
	if (!rw_buf_reserve(b, n))
		return;
	if (n)
		memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void rw_buf_puts(struct rw_buf *b, const char *s)
{
	rw_buf_add(b, s, strlen(s));
}

void rw_buf_putc(struct rw_buf *b, char c)
{
	rw_buf_add(b, &c, 1);
}

void rw_buf_repeat(struct rw_buf *b, const char *s, size_t times)
{
	size_t n = strlen(s);

	while (times--)
		rw_buf_add(b, s, n);
}

/* The contents as a C string, "" when empty. */
const char *rw_buf_str(const struct rw_buf *b)
{
	return b->data ? b->data : "";
}

void rw_error_setf(struct rw_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}
