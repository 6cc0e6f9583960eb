// SPDX-License-Identifier: GPL-2.0
/*
 * rwprobe: the system calls the guest tests need and the shell cannot
 * make.  Each subcommand checks one behaviour of a file under
 * /proc/rustwhere against REF, a copy of the bytes it must serve, prints
 * what it saw on one line, and exits 0 when the behaviour holds, 1 when
 * it does not, 2 on bad usage.
 *
 *   rwprobe reads FILE REF      read(2) with every buffer size, 1 to past EOF
 *   rwprobe preads FILE REF     pread(2) at every offset and past the end
 *   rwprobe seeks FILE REF      lseek(2) SEEK_SET, SEEK_CUR and SEEK_END
 *   rwprobe write FILE          write(2)/pwrite(2) as root must fail, and
 *                               truncate(2) must not change the size
 *   rwprobe asuser UID FILE     as UID: O_WRONLY/O_RDWR give EACCES, O_RDONLY reads
 *   rwprobe mmap FILE           mmap(2) must be refused
 *   rwprobe efault FILE REF     bad user buffers give EFAULT or a short read
 *   rwprobe hold FILE           read a little, print "ready", wait for a line
 *                               on stdin, read again: EIO or EOF expected
 *   rwprobe race FILE REF STOP  read FILE whole until the file STOP exists;
 *                               every whole read must equal REF, every
 *                               failure must be ENOENT or EIO
 *   rwprobe utf8 FILE           FILE is valid UTF-8
 *   rwprobe readers N ROUNDS DIR REFDIR NAME...
 *                               N processes, let go at once, each reading
 *                               every DIR/NAME whole ROUNDS times (each
 *                               with a read size of its own, 4096 down to
 *                               64 bytes); every read must equal REFDIR/NAME
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_FILE	(1 << 20)

static const char *prog = "rwprobe";

static int __attribute__((format(printf, 1, 2))) fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("FAIL: ", stdout);
	vfprintf(stdout, fmt, ap);
	fputc('\n', stdout);
	va_end(ap);
	return 1;
}

static void die(const char *what, const char *path)
{
	fprintf(stderr, "%s: %s %s: %s\n", prog, what, path, strerror(errno));
	exit(2);
}

static int xopen(const char *path, int flags)
{
	int fd = open(path, flags);

	if (fd < 0)
		die("cannot open", path);
	return fd;
}

static char *xmalloc(size_t size)
{
	char *p = malloc(size);

	if (!p)
		die("out of memory for", "a buffer");
	return p;
}

/* Read a whole regular file (the reference copy) into memory. */
static char *slurp(const char *path, size_t *lenp)
{
	char *buf = xmalloc(MAX_FILE);
	size_t len = 0;
	ssize_t n;
	int fd;

	fd = xopen(path, O_RDONLY);
	while ((n = read(fd, buf + len, MAX_FILE - len)) > 0)
		len += n;
	if (n < 0)
		die("cannot read", path);
	close(fd);
	*lenp = len;
	return buf;
}

/* Read fd to EOF in chunks of bs bytes; -1 with errno on error. */
static ssize_t read_all(int fd, char *out, size_t cap, size_t bs)
{
	size_t len = 0;
	ssize_t n;

	for (;;) {
		if (len + bs > cap)
			return errno = EFBIG, -1;
		n = read(fd, out + len, bs);
		if (n < 0)
			return -1;
		if (n == 0)
			return len;
		if ((size_t)n > bs)
			return errno = ERANGE, -1;
		len += n;
	}
}

static int cmd_reads(const char *file, const char *refpath)
{
	size_t rlen, bs;
	char *ref = slurp(refpath, &rlen);
	char *got = xmalloc(MAX_FILE);
	ssize_t n;

	for (bs = 1; bs <= rlen + 16; bs++) {
		int fd = xopen(file, O_RDONLY);

		n = read_all(fd, got, MAX_FILE, bs);
		if (n < 0)
			return fail("read with buffer size %zu: %s", bs, strerror(errno));
		if ((size_t)n != rlen || memcmp(got, ref, rlen))
			return fail("read with buffer size %zu: wrong bytes", bs);
		/* Once at EOF, every further read gives 0. */
		if (read(fd, got, bs) != 0 || read(fd, got, 1) != 0)
			return fail("read past EOF with buffer size %zu gave data", bs);
		close(fd);
	}
	printf("ok: %zu buffer sizes gave the same %zu bytes\n", rlen + 16, rlen);
	return 0;
}

static int cmd_preads(const char *file, const char *refpath)
{
	size_t rlen;
	char *ref = slurp(refpath, &rlen);
	char *got = xmalloc(MAX_FILE);
	int fd = xopen(file, O_RDONLY);
	size_t off, want;
	ssize_t n;

	for (off = 0; off <= rlen + 8; off++) {
		/* Whole rest of the file, and a few short lengths. */
		for (want = 1; want <= rlen + 16; want = want < 8 ? want + 1 : want * 2) {
			size_t expect = off >= rlen ? 0 : (rlen - off < want ? rlen - off : want);

			n = pread(fd, got, want, off);
			if (n < 0)
				return fail("pread at offset %zu: %s", off, strerror(errno));
			if ((size_t)n != expect || memcmp(got, ref + (off < rlen ? off : rlen), expect))
				return fail("pread at offset %zu gave wrong bytes", off);
		}
	}
	/* pread does not move the file position. */
	n = read(fd, got, rlen + 16);
	if (n != (ssize_t)rlen || memcmp(got, ref, rlen))
		return fail("read after pread did not start at 0 (%zd bytes)", n);
	close(fd);
	printf("ok: pread at %zu offsets matched\n", rlen + 9);
	return 0;
}

static int cmd_seeks(const char *file, const char *refpath)
{
	size_t rlen;
	char *ref = slurp(refpath, &rlen);
	char *got = xmalloc(MAX_FILE);
	int fd = xopen(file, O_RDONLY);
	off_t off, pos, cur = 0;
	ssize_t n;

	for (off = 0; off <= (off_t)rlen + 8; off++) {
		size_t expect = off >= (off_t)rlen ? 0 : rlen - off;

		if (lseek(fd, off, SEEK_SET) != off)
			return fail("lseek SEEK_SET %lld failed", (long long)off);
		n = read(fd, got, rlen + 16);
		if (n != (ssize_t)expect || memcmp(got, ref + (off < (off_t)rlen ? off : (off_t)rlen), expect))
			return fail("read after SEEK_SET %lld gave wrong bytes", (long long)off);
	}
	/* Walk the file with SEEK_CUR: read 3, skip 4, ... */
	if (lseek(fd, 0, SEEK_SET) != 0)
		return fail("lseek SEEK_SET 0 failed");
	for (pos = 0; pos < (off_t)rlen; pos = cur) {
		size_t expect = rlen - pos < 3 ? rlen - pos : 3;

		n = read(fd, got, 3);
		if (n != (ssize_t)expect || memcmp(got, ref + pos, expect))
			return fail("read at SEEK_CUR position %lld gave wrong bytes", (long long)pos);
		cur = lseek(fd, 4, SEEK_CUR);
		if (cur != pos + (off_t)expect + 4)
			return fail("lseek SEEK_CUR from %lld went wrong", (long long)pos + (long long)expect);
	}
	if (lseek(fd, -2, SEEK_CUR) != cur - 2)
		return fail("lseek SEEK_CUR backwards to %lld went wrong", (long long)cur - 2);
	/* SEEK_END works from the size procfs was given. */
	off = lseek(fd, 0, SEEK_END);
	if (off != (off_t)rlen)
		return fail("lseek SEEK_END gave %lld", (long long)off);
	if (read(fd, got, 16) != 0)
		return fail("read at SEEK_END gave data");
	off = lseek(fd, -5, SEEK_END);
	n = read(fd, got, 16);
	if (off != (off_t)rlen - 5 || n != 5 || memcmp(got, ref + rlen - 5, 5))
		return fail("read 5 bytes before SEEK_END failed (%zd)", n);
	if (lseek(fd, -1, SEEK_SET) != -1 || errno != EINVAL)
		return fail("lseek to a negative offset was not EINVAL");
	close(fd);
	printf("ok: SEEK_SET, SEEK_CUR and SEEK_END over %zu bytes\n", rlen);
	return 0;
}

static int cmd_write(const char *file)
{
	static const int modes[] = { O_WRONLY, O_RDWR, O_WRONLY | O_APPEND };
	struct stat st;
	unsigned int i;
	off_t before;
	int fd;

	if (stat(file, &st))
		die("cannot stat", file);
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		fd = open(file, modes[i]);
		if (fd < 0) {
			printf("open mode %d refused: %s\n", modes[i], strerror(errno));
			continue;
		}
		if (write(fd, "x", 1) != -1)
			return fail("write as root succeeded (flags %#x)", modes[i]);
		printf("write refused: %s\n", strerror(errno));
		if (pwrite(fd, "x", 1, 0) != -1)
			return fail("pwrite as root succeeded (flags %#x)", modes[i]);
		close(fd);
	}
	/*
	 * procfs takes a truncate as an attribute change it has nothing to
	 * do for, so it may report success; what counts is that the size
	 * and the bytes stay (the caller compares them).
	 */
	before = st.st_size;
	if (truncate(file, 0))
		printf("truncate refused: %s\n", strerror(errno));
	if (stat(file, &st) || st.st_size != before || !st.st_size)
		return fail("truncate changed the size to %lld", (long long)st.st_size);
	printf("ok: write and pwrite refused, the size stays %lld\n", (long long)before);
	return 0;
}

static int cmd_asuser(const char *uidstr, const char *file)
{
	uid_t uid = strtoul(uidstr, NULL, 10);
	char buf[64];
	int fd;

	if (setgroups(0, NULL) || setgid(uid) || setuid(uid))
		die("cannot become uid", uidstr);
	if (open(file, O_WRONLY) >= 0 || errno != EACCES)
		return fail("open O_WRONLY as uid %s: not EACCES", uidstr);
	if (open(file, O_RDWR) >= 0 || errno != EACCES)
		return fail("open O_RDWR as uid %s: not EACCES", uidstr);
	fd = open(file, O_RDONLY);
	if (fd < 0 || read(fd, buf, sizeof(buf)) <= 0)
		return fail("open/read O_RDONLY as uid %s: %s", uidstr, strerror(errno));
	close(fd);
	printf("ok: uid %s gets EACCES for writing and can read\n", uidstr);
	return 0;
}

static int cmd_mmap(const char *file)
{
	int fd = xopen(file, O_RDONLY);
	void *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);

	if (p != MAP_FAILED)
		return fail("mmap succeeded");
	printf("ok: mmap refused: %s\n", strerror(errno));
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	if (p != MAP_FAILED)
		return fail("mmap MAP_SHARED succeeded");
	close(fd);
	return 0;
}

static int cmd_efault(const char *file, const char *refpath)
{
	long pg = sysconf(_SC_PAGESIZE);
	size_t rlen;
	char *ref = slurp(refpath, &rlen);
	int fd = xopen(file, O_RDONLY);
	char *map, got[32];
	ssize_t n;

	/* An address nothing is mapped at. */
	n = syscall(SYS_read, fd, (void *)16, 64);
	if (n != -1 || errno != EFAULT)
		return fail("read into a bad pointer: %zd, not EFAULT", n);
	/* A kernel address. */
	n = syscall(SYS_read, fd, (void *)0xffffffffff600000UL, 64);
	if (n != -1 || errno != EFAULT)
		return fail("read into a kernel address: %zd, not EFAULT", n);
	/* The position must not have moved. */
	n = read(fd, got, 10);
	if (n != 10 || memcmp(got, ref, 10))
		return fail("read after EFAULT did not start at 0 (%zd)", n);
	/* A buffer whose tail runs into an unmapped page: a short read. */
	map = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED || munmap(map + pg, pg))
		die("cannot map", "two pages");
	n = pread(fd, map + pg - 6, 64, 0);
	if (n == -1 && errno == EFAULT)
		printf("straddling buffer: EFAULT\n");
	else if (n >= 0 && n <= 6 && !memcmp(map + pg - 6, ref, n))
		printf("straddling buffer: short read of %zd bytes\n", n);
	else
		return fail("read into a straddling buffer: %zd", n);
	close(fd);
	printf("ok: bad buffers gave EFAULT\n");
	return 0;
}

static int cmd_hold(const char *file)
{
	char buf[4096], line[16];
	int fd = xopen(file, O_RDONLY);
	ssize_t n;

	if (read(fd, buf, 16) != 16)
		die("cannot read", file);
	printf("ready\n");
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		die("no go line for", file);
	n = read(fd, buf, sizeof(buf));
	if (n < 0 && errno == EIO)
		printf("ok: read after unload: EIO\n");
	else if (n == 0)
		printf("ok: read after unload: EOF\n");
	else
		return fail("read after unload: %zd (%s)", n, n < 0 ? strerror(errno) : "data");
	close(fd);
	return 0;
}

static int cmd_race(const char *file, const char *refpath, const char *stop)
{
	size_t rlen;
	char *ref = slurp(refpath, &rlen);
	char *got = xmalloc(MAX_FILE);
	unsigned long whole = 0, eio = 0, enoent = 0;
	ssize_t n;
	int fd;

	while (access(stop, F_OK)) {
		fd = open(file, O_RDONLY);
		if (fd < 0) {
			if (errno != ENOENT)
				return fail("open during the race: %s", strerror(errno));
			enoent++;
			continue;
		}
		n = read_all(fd, got, MAX_FILE, 97);
		close(fd);
		if (n < 0) {
			if (errno != EIO)
				return fail("read during the race: %s", strerror(errno));
			eio++;
		} else if ((size_t)n != rlen || memcmp(got, ref, rlen)) {
			return fail("a whole read during the race gave wrong bytes (%zd)", n);
		} else {
			whole++;
		}
	}
	printf("ok: %lu whole reads, %lu EIO, %lu ENOENT\n", whole, eio, enoent);
	return 0;
}

#define MAX_READERS	64
#define MAX_NAMES	64

/* One reader of cmd_readers: 0 when every whole read was right. */
static int reader(int id, long rounds, int nnames, char **paths, char **ref, size_t *rlen)
{
	size_t bs = (size_t)4096 >> (id % 4) * 2;
	char *got = xmalloc(MAX_FILE);
	long r;
	int i, fd;
	ssize_t n;

	for (r = 0; r < rounds; r++) {
		for (i = 0; i < nnames; i++) {
			fd = open(paths[i], O_RDONLY);
			if (fd < 0)
				return fail("reader %d: open %s: %s", id, paths[i], strerror(errno));
			n = read_all(fd, got, MAX_FILE, bs);
			close(fd);
			if (n < 0)
				return fail("reader %d: read %s: %s", id, paths[i], strerror(errno));
			if ((size_t)n != rlen[i] || memcmp(got, ref[i], rlen[i]))
				return fail("reader %d, round %ld: %s gave other bytes (%zd, want %zu)",
					    id, r, paths[i], n, rlen[i]);
		}
	}
	free(got);
	return 0;
}

static char *join(const char *dir, const char *name)
{
	size_t len = strlen(dir) + strlen(name) + 2;
	char *p = xmalloc(len);

	snprintf(p, len, "%s/%s", dir, name);
	return p;
}

static int cmd_readers(char **argv, int nnames, char **names)
{
	long nr = strtol(argv[0], NULL, 10), rounds = strtol(argv[1], NULL, 10);
	char *paths[MAX_NAMES], *ref[MAX_NAMES];
	size_t rlen[MAX_NAMES];
	int gate[2], i, st, bad = 0;
	pid_t pid;

	if (nr < 1 || nr > MAX_READERS || rounds < 1 || nnames < 1 || nnames > MAX_NAMES) {
		fprintf(stderr, "%s: readers: 1 to %d readers, 1 or more rounds, 1 to %d names\n",
			prog, MAX_READERS, MAX_NAMES);
		return 2;
	}
	for (i = 0; i < nnames; i++) {
		char *r = join(argv[3], names[i]);

		paths[i] = join(argv[2], names[i]);
		ref[i] = slurp(r, &rlen[i]);
		free(r);
	}
	/* The readers wait for the gate's EOF, so that they all start together. */
	if (pipe(gate))
		die("cannot make", "a pipe");
	for (i = 0; i < nr; i++) {
		pid = fork();
		if (pid < 0)
			die("cannot fork", "a reader");
		if (pid == 0) {
			char c;

			close(gate[1]);
			if (read(gate[0], &c, 1) < 0)
				_exit(2);
			_exit(reader(i, rounds, nnames, paths, ref, rlen));
		}
	}
	close(gate[0]);
	close(gate[1]);
	while (wait(&st) > 0)
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			bad++;
	for (i = 0; i < nnames; i++) {
		free(paths[i]);
		free(ref[i]);
	}
	if (bad)
		return fail("%d of %ld readers saw an error or other bytes", bad, nr);
	printf("ok: %ld readers x %ld rounds x %d files, read sizes 4096 to 64 bytes, %ld CPUs\n",
	       nr, rounds, nnames, sysconf(_SC_NPROCESSORS_ONLN));
	return 0;
}

static int cmd_utf8(const char *file)
{
	size_t len, i = 0;
	unsigned char *s = (unsigned char *)slurp(file, &len);

	while (i < len) {
		unsigned int c = s[i], need, cp, k;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			need = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			need = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			need = 3, cp = c & 0x07;
		else
			return fail("invalid UTF-8 lead byte in %s at %zu", file, i);
		if (i + need >= len)
			return fail("truncated UTF-8 in %s at %zu", file, i);
		for (k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return fail("invalid UTF-8 continuation in %s at %zu", file, i);
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return fail("overlong or invalid UTF-8 in %s at %zu", file, i);
		i += need + 1;
	}
	printf("ok: %zu bytes of valid UTF-8\n", len);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(cmd, "reads") && argc == 4)
		return cmd_reads(argv[2], argv[3]);
	if (!strcmp(cmd, "preads") && argc == 4)
		return cmd_preads(argv[2], argv[3]);
	if (!strcmp(cmd, "seeks") && argc == 4)
		return cmd_seeks(argv[2], argv[3]);
	if (!strcmp(cmd, "write") && argc == 3)
		return cmd_write(argv[2]);
	if (!strcmp(cmd, "asuser") && argc == 4)
		return cmd_asuser(argv[2], argv[3]);
	if (!strcmp(cmd, "mmap") && argc == 3)
		return cmd_mmap(argv[2]);
	if (!strcmp(cmd, "efault") && argc == 4)
		return cmd_efault(argv[2], argv[3]);
	if (!strcmp(cmd, "hold") && argc == 3)
		return cmd_hold(argv[2]);
	if (!strcmp(cmd, "race") && argc == 5)
		return cmd_race(argv[2], argv[3], argv[4]);
	if (!strcmp(cmd, "utf8") && argc == 3)
		return cmd_utf8(argv[2]);
	if (!strcmp(cmd, "readers") && argc >= 7)
		return cmd_readers(argv + 2, argc - 6, argv + 6);
	fprintf(stderr, "usage: %s reads|preads|seeks|efault FILE REF | write|mmap|hold|utf8 FILE |\n"
		"       %s asuser UID FILE | race FILE REF STOP |\n"
		"       %s readers N ROUNDS DIR REFDIR NAME...\n", prog, prog, prog);
	return 2;
}
