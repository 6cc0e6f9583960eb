// SPDX-License-Identifier: GPL-2.0
/*
 * failnth: fail the N-th allocation of a module's init, for N = 1, 2, ...
 * until init runs through without a fault, and check that every failure
 * unwinds.  Run in the debug kernel by tests/debug/init.
 *
 *   failnth MODULE_KO PROC_DIR NFILES START END
 *
 * The kernel's fail-nth counter (Documentation/fault-injection/
 * fault-injection.rst) is per task and is reset on fork, so an
 * "echo N > /proc/self/fail-nth; insmod" never reaches the module: this
 * program writes /proc/thread-self/fail-nth and calls finit_module(2)
 * itself, on the same thread.  The caller restricts failslab and
 * fail_page_alloc to allocations with module code on the stack
 * (require-start/require-end over the module area), so the count starts
 * at the module's own init, not in the module loader.  START and END
 * (hex) are that range: the module's .text must lie in it.
 *
 * For each N, after finit_module():
 *   - fail-nth reads 0: the N-th allocation was failed.  Either init
 *     failed, and then it must be with ENOMEM, with no PROC_DIR and no
 *     module left; or init coped with the failure, and then every file
 *     must be there and the module unloads.
 *   - fail-nth still reads N' > 0: init made fewer than N allocations,
 *     the sweep is over; init must have succeeded with NFILES files.
 * Prints "fail-nth: N failure points, all unwound" and exits 0, or
 * prints "FAIL: ..." and exits 1.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_N	10000

static const char *modname = "rustwhere";

static int __attribute__((format(printf, 1, 2))) fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("FAIL: ", stdout);
	vprintf(fmt, ap);
	fputc('\n', stdout);
	va_end(ap);
	return 1;
}

static void write_nth(int fd, long n)
{
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%ld", n);

	if (pwrite(fd, buf, len, 0) != len) {
		perror("failnth: write /proc/thread-self/fail-nth");
		exit(2);
	}
}

static long read_nth(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0) {
		perror("failnth: read /proc/thread-self/fail-nth");
		exit(2);
	}
	buf[n] = 0;
	return strtol(buf, NULL, 10);
}

/* How many entries PROC_DIR has, -1 if it does not exist. */
static int count_files(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* The address of the loaded module's .text, 0 if unknown. */
static unsigned long module_text(void)
{
	char path[96], buf[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/module/%s/sections/.text", modname);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	return strtoul(buf, NULL, 16);
}

static int module_loaded(void)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/sys/module/%s", modname);
	return stat(path, &st) == 0;
}

int main(int argc, char **argv)
{
	long n, left, points = 0, tolerated = 0;
	int ko, nth, ret, err, nfiles, have;
	unsigned long start, end, text;
	const char *dir;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 6) {
		fprintf(stderr, "usage: failnth MODULE_KO PROC_DIR NFILES START END\n");
		return 2;
	}
	dir = argv[2];
	nfiles = atoi(argv[3]);
	start = strtoul(argv[4], NULL, 16);
	end = strtoul(argv[5], NULL, 16);
	ko = open(argv[1], O_RDONLY | O_CLOEXEC);
	nth = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (ko < 0 || nth < 0) {
		perror("failnth: open");
		return 2;
	}
	if (module_loaded() || count_files(dir) >= 0)
		return fail("the module is loaded already");

	for (n = 1; n <= MAX_N; n++) {
		write_nth(nth, n);
		ret = syscall(SYS_finit_module, ko, "", 0);
		err = errno;
		left = read_nth(nth);
		write_nth(nth, 0);
		have = count_files(dir);

		if (left > 0) {
			/* No fault injected: init made fewer than n allocations. */
			if (ret)
				return fail("n=%ld: no fault injected, yet finit_module failed", n);
			if (have != nfiles)
				return fail("n=%ld: init without a fault made a wrong number of files", n);
			/* The filter must cover where the module really is. */
			text = module_text();
			if (text < start || text >= end)
				return fail("the module's .text at %#lx is outside the filter %#lx-%#lx",
					    text, start, end);
			if (syscall(SYS_delete_module, modname, O_NONBLOCK))
				return fail("n=%ld: delete_module failed", n);
			printf("fail-nth: %ld failure points, all unwound"
			       " (%ld failed init with ENOMEM, %ld were absorbed; module .text at %#lx)\n",
			       points, points - tolerated, tolerated, text);
			return points > 0 ? 0 : fail("no failure point at all: is the filter right?");
		}
		points++;
		if (ret == 0) {
			/* The failure was absorbed: everything must be there. */
			tolerated++;
			printf("n=%ld: allocation failed, init coped (%d files)\n", n, have);
			if (have != nfiles)
				return fail("n=%ld: init succeeded after a fault but the files are wrong", n);
			if (syscall(SYS_delete_module, modname, O_NONBLOCK))
				return fail("n=%ld: delete_module failed", n);
			continue;
		}
		if (err != ENOMEM) {
			errno = err;
			perror("finit_module");
			return fail("n=%ld: init failed, but not with ENOMEM", n);
		}
		if (have >= 0)
			return fail("n=%ld: init failed and left its proc directory", n);
		if (module_loaded())
			return fail("n=%ld: init failed and left the module loaded", n);
	}
	return fail("more than %d allocations in init", MAX_N);
}
