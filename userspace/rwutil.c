// SPDX-License-Identifier: GPL-2.0
/*
 * rustwhere: output built in memory, and error reports.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rwutil.h"

void rw_buf_init(struct rw_buf *b)
{
	memset(b, 0, sizeof(*b));
	b->fp = open_memstream(&b->data, &b->len);
	b->failed = !b->fp;
}

void rw_buf_free(struct rw_buf *b)
{
	if (b->fp)
		fclose(b->fp);
	free(b->data);
	memset(b, 0, sizeof(*b));
}

/* Empty the buffer. */
void rw_buf_reset(struct rw_buf *b)
{
	rw_buf_free(b);
	rw_buf_init(b);
}

/* Bring ->data and ->len up to date; 0, or -1 when out of memory. */
int rw_buf_flush(struct rw_buf *b)
{
	if (b->failed || fflush(b->fp) || ferror(b->fp))
		b->failed = true;
	return b->failed ? -1 : 0;
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
