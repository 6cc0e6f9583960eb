// SPDX-License-Identifier: GPL-2.0
/*
 * rwcycle: load and unload a module many times while readers race it.
 * Run in the debug kernel by tests/debug/init, before a kmemleak scan.
 *
 *   rwcycle MODULE_KO CYCLES DIR REFDIR FILE...
 *
 * One reader process per FILE opens DIR/FILE and reads it whole, again
 * and again, while this process makes CYCLES cycles of finit_module(2),
 * a whole read of DIR/FILE (the first) compared with REFDIR/FILE, and
 * delete_module(2).  A reader's open may fail with ENOENT (the module is
 * out) and its read with EIO (the module went while the file was open);
 * every read that completes must give exactly the bytes of REFDIR/FILE.
 * A reader that finds no file backs off for 1 ms, so that the readers
 * do not starve the cycles of the (emulated) CPUs.
 *
 * The system calls are made here rather than by insmod, cat and rmmod:
 * their three exec(2)s a cycle would cost the most under TCG and KASAN.
 * Prints "rwcycle: N cycles; readers: W whole reads, E EIO, M ENOENT" and
 * exits 0, or prints "FAIL: ..." and exits 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_FILE	(1 << 16)
#define MAX_READERS	16

struct counts {
	unsigned long whole, eio, enoent;
	int failed;
};

/* Shared with the readers. */
static struct {
	volatile int stop;
	struct counts c[MAX_READERS];
} *shared;

static ssize_t read_whole(int fd, char *buf)
{
	ssize_t n, len = 0;

	/* Odd-sized reads, so that a read can straddle the unload. */
	while ((n = read(fd, buf + len, len + 97 <= MAX_FILE ? 97 : MAX_FILE - len)) > 0)
		len += n;
	return n < 0 ? -1 : len;
}

static ssize_t slurp(const char *path, char *buf)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read_whole(fd, buf);
	close(fd);
	return n;
}

static void reader(int k, const char *path, const char *refpath)
{
	static char ref[MAX_FILE], got[MAX_FILE];
	struct counts *c = &shared->c[k];
	ssize_t rlen = slurp(refpath, ref), n;
	int fd;

	if (rlen <= 0) {
		c->failed = 1;
		_exit(1);
	}
	while (!shared->stop) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			if (errno != ENOENT) {
				printf("FAIL: reader of %s: open: %s\n", path, strerror(errno));
				c->failed = 1;
				_exit(1);
			}
			c->enoent++;
			usleep(1000);
			continue;
		}
		n = read_whole(fd, got);
		close(fd);
		if (n < 0 && errno == EIO) {
			c->eio++;
		} else if (n != rlen || memcmp(got, ref, rlen)) {
			printf("FAIL: reader of %s: a whole read gave %zd bytes, not the %zd expected\n",
			       path, n, rlen);
			c->failed = 1;
			_exit(1);
		} else {
			c->whole++;
		}
	}
	_exit(0);
}

int main(int argc, char **argv)
{
	static char ref[MAX_FILE], got[MAX_FILE];
	char path[4096], refpath[4096];
	pid_t pids[MAX_READERS];
	struct counts sum = { 0 };
	int ko, k, nreaders, status, rc = 0;
	ssize_t rlen, glen;
	long i, cycles;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 6 || argc - 5 > MAX_READERS) {
		fprintf(stderr, "usage: rwcycle MODULE_KO CYCLES DIR REFDIR FILE...\n");
		return 2;
	}
	cycles = atol(argv[2]);
	nreaders = argc - 5;
	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ko = open(argv[1], O_RDONLY | O_CLOEXEC);
	snprintf(refpath, sizeof(refpath), "%s/%s", argv[4], argv[5]);
	rlen = slurp(refpath, ref);
	if (shared == MAP_FAILED || ko < 0 || rlen <= 0) {
		perror("rwcycle: setup");
		return 2;
	}
	for (k = 0; k < nreaders; k++) {
		char rp[4096];

		snprintf(path, sizeof(path), "%s/%s", argv[3], argv[5 + k]);
		snprintf(rp, sizeof(rp), "%s/%s", argv[4], argv[5 + k]);
		pids[k] = fork();
		if (pids[k] < 0) {
			perror("rwcycle: fork");
			return 2;
		}
		if (pids[k] == 0)
			reader(k, path, rp);
	}

	snprintf(path, sizeof(path), "%s/%s", argv[3], argv[5]);
	for (i = 0; i < cycles; i++) {
		if (syscall(SYS_finit_module, ko, "", 0)) {
			printf("FAIL: cycle %ld: finit_module: %s\n", i, strerror(errno));
			rc = 1;
			break;
		}
		glen = slurp(path, got);
		if (glen != rlen || memcmp(got, ref, rlen)) {
			printf("FAIL: cycle %ld: %s read %zd bytes, not the %zd of %s\n",
			       i, path, glen, rlen, refpath);
			rc = 1;
		}
		if (syscall(SYS_delete_module, "rustwhere", O_NONBLOCK)) {
			printf("FAIL: cycle %ld: delete_module: %s\n", i, strerror(errno));
			rc = 1;
		}
		if (rc)
			break;
	}

	shared->stop = 1;
	for (k = 0; k < nreaders; k++) {
		if (waitpid(pids[k], &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) || shared->c[k].failed)
			rc = 1;
		sum.whole += shared->c[k].whole;
		sum.eio += shared->c[k].eio;
		sum.enoent += shared->c[k].enoent;
	}
	printf("rwcycle: %ld cycles; %d readers: %lu whole reads, %lu EIO, %lu ENOENT\n",
	       i, nreaders, sum.whole, sum.eio, sum.enoent);
	/* Readers that never got a file in raced nothing. */
	if (!rc && (i != cycles || !sum.whole || !sum.enoent)) {
		printf("FAIL: the readers did not race the cycles\n");
		rc = 1;
	}
	return rc;
}
