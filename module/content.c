// SPDX-License-Identifier: GPL-2.0
/*
 * rustwhere: the files of /proc/rustwhere, built in from content/.
 *
 * Each file under content/ is the exact text its proc file shows.  C has
 * no way to take a file's bytes in, so, as kernel/configs.c does with the
 * kernel's config, the assembler does, with .incbin between two labels;
 * that is all the assembly here.  The table rustwhere_files[] is a plain
 * C array of the labels' addresses, typed and laid out by the compiler.
 * The content is const data of known size, and nothing is formatted or
 * allocated at load time or when a file is opened.
 *
 * Kbuild passes the files as RUSTWHERE_FILES, a sequence of RW_FILE(name)
 * taken from content/index, and RUSTWHERE_CONTENT, the absolute path of
 * content/.  The same sequence makes the bytes, their declarations and
 * the table, so the three cannot disagree.
 */
#include <linux/kernel.h>

#include "rustwhere.h"

/*
 * The bytes of each file, between rustwhere_NAME_start and _end, after
 * rustwhere_content (rustwhere.h declares them all).
 */
#define RW_FILE(n)							\
	"rustwhere_" #n "_start:\n"					\
	"	.incbin \"" RUSTWHERE_CONTENT "/" #n "\"\n"		\
	"rustwhere_" #n "_end:\n"
asm("	.pushsection .rodata, \"a\"\n"
	"rustwhere_content:\n"
	RUSTWHERE_FILES
	"	.popsection\n");
#undef RW_FILE

#define RW_FILE(n) { #n, rustwhere_##n##_start, rustwhere_##n##_end },
const struct rustwhere_file rustwhere_files[] = {
	RUSTWHERE_FILES
};

#undef RW_FILE

const size_t rustwhere_nr_files = ARRAY_SIZE(rustwhere_files);
