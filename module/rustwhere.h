/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rustwhere: the files under /proc/rustwhere, as const data.
 */
#ifndef _RUSTWHERE_H
#define _RUSTWHERE_H

#include <linux/types.h>

/**
 * struct rustwhere_file - one read-only file under /proc/rustwhere
 * @name: file name
 * @start: its content, built in at compile time
 * @end: one past the last byte of @start; there is no terminating NUL
 */
struct rustwhere_file {
	const char *name;
	const char *start;
	const char *end;
};

static inline size_t rustwhere_file_size(const struct rustwhere_file *f)
{
	return f->end - f->start;
}

extern const struct rustwhere_file rustwhere_files[];
extern const size_t rustwhere_nr_files;

#ifdef RUSTWHERE_FILES
/*
 * content.c only: the labels its assembly puts around the bytes of each
 * file, one declaration for all, from the same RW_FILE() sequence.
 */
#define RW_FILE(n)							\
	[], rustwhere_##n##_start[], rustwhere_##n##_end
extern const char rustwhere_content RUSTWHERE_FILES[];
#undef RW_FILE
#endif

#endif /* _RUSTWHERE_H */
