// SPDX-License-Identifier: GPL-2.0
/*
 * rustwhere: the files of /proc/rustwhere, built in from content/.
 *
 * Each file under content/ is the exact text its proc file shows.  As
 * kernel/configs.c does with the kernel's config, the assembler takes each
 * one in with .incbin, so the content is const data of known size:
 * nothing is formatted or allocated at load time or when a file is opened.
 *
 * The table rustwhere_files[] (see rustwhere.h) is laid out here too, one
 * struct rustwhere_file of three pointers per file, because only the
 * assembler knows where each file ends.  Kbuild passes the files as
 * RUSTWHERE_FILES, a sequence of RW_FILE(name) taken from content/index,
 * and RUSTWHERE_CONTENT, the absolute path of content/.
 */
#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/stringify.h>

#include "rustwhere.h"

#if BITS_PER_LONG == 64
#define RW_PTR		".quad"
#else
#define RW_PTR		".long"
#endif
#define RW_PTR_SIZE	__stringify(BITS_PER_LONG / 8)

/* The name and the bytes of each file. */
#define RW_FILE(n)							\
	"rustwhere_" #n "_name:\n"					\
	"	.asciz \"" #n "\"\n"					\
	"rustwhere_" #n "_start:\n"					\
	"	.incbin \"" RUSTWHERE_CONTENT "/" #n "\"\n"		\
	"rustwhere_" #n "_end:\n"
asm("	.pushsection .rodata, \"a\"\n"
	RUSTWHERE_FILES
	"	.popsection\n");
#undef RW_FILE

/* struct rustwhere_file rustwhere_files[], and how many there are. */
#define RW_FILE(n)							\
	"	" RW_PTR " rustwhere_" #n "_name, rustwhere_" #n "_start, "	\
	"rustwhere_" #n "_end\n"
asm("	.pushsection .rodata, \"a\"\n"
	"	.balign " RW_PTR_SIZE "\n"
	"	.globl rustwhere_files\n"
	"	.type rustwhere_files, STT_OBJECT\n"
	"rustwhere_files:\n"
	RUSTWHERE_FILES
	"rustwhere_files_end:\n"
	"	.size rustwhere_files, rustwhere_files_end - rustwhere_files\n"
	"	.globl rustwhere_nr_files\n"
	"	.type rustwhere_nr_files, STT_OBJECT\n"
	"rustwhere_nr_files:\n"
	"	" RW_PTR " (rustwhere_files_end - rustwhere_files) / (3 * " RW_PTR_SIZE ")\n"
	"	.size rustwhere_nr_files, " RW_PTR_SIZE "\n"
	"	.popsection\n");
#undef RW_FILE

/* The layout above is three pointers, nothing more. */
static_assert(sizeof(struct rustwhere_file) == 3 * sizeof(void *));
static_assert(offsetof(struct rustwhere_file, start) == sizeof(void *));
static_assert(offsetof(struct rustwhere_file, end) == 2 * sizeof(void *));
static_assert(sizeof(size_t) == sizeof(void *));
