// SPDX-License-Identifier: GPL-2.0
/*
 * rwbench: what a read of /proc/rustwhere costs, beside its anchors.
 *
 *   rwbench [-r ROUNDS] [-n ITERATIONS] [-s SPAWNS] [-c CAT] DOMAIN_FILE MODULE_KO [READER]
 *
 * Run as root in a guest with the module loaded.  Every figure is the
 * median of ROUNDS interleaved rounds (each round measures every subject
 * once, in an order that rotates from round to round), reported in
 * nanoseconds and as a ratio to its anchor from the same run, with its
 * spread (the lowest and highest of the rounds' own ratios):
 *
 *   cat cycle   open, read to EOF, close: the domain file against the same
 *               bytes on tmpfs, /proc/version (a seq_file) and /dev/zero
 *               read for the same length (the floor).
 *   pread       pread(2) of the whole file at offset 0 on an open file,
 *               against the same three.
 *   allocation  bytes the kernel allocates per cat cycle, counted with
 *               the kmem tracepoints over 10,000 cycles, by call site; the
 *               ones from procfs, seq_file or the module are the file's
 *               own (the path walk and struct file every open(2) pays are
 *               not).
 *   footprint   /sys/module/rustwhere/coresize and the size of the .ko.
 *   reader      wall time of "rustwhere" and "rustwhere --all" against
 *               cat of the same files: coreutils' cat (-c CAT, dynamically
 *               linked like the reader) is the anchor, busybox's static
 *               cat and "rustwhere --version" (start-up alone) are shown;
 *               cat of every file of /proc/rustwhere.
 *
 * The table goes to stdout, then the same figures as one JSON document
 * between the lines "rwbench-json-begin" and "rwbench-json-end"; each
 * ratio there is [median, lowest round, highest round].
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ROUNDS	64
#define BUF_SIZE	65536
#define ALLOC_OPENS	10000

extern char **environ;

static char buf[BUF_SIZE];
static size_t file_len;

static __attribute__((format(printf, 1, 2))) void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("rwbench: ", stderr);
	vfprintf(stderr, fmt, ap);
	if (errno)
		fprintf(stderr, ": %s", strerror(errno));
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int nrounds;

/* The median of v[0..n), v left as it was: a round's samples stay paired. */
static double median(const double *v, int n)
{
	double w[MAX_ROUNDS];

	memcpy(w, v, n * sizeof(*v));
	qsort(w, n, sizeof(*w), cmp_double);
	return n % 2 ? w[n / 2] : (w[n / 2 - 1] + w[n / 2]) / 2;
}

/* One subject: what it is and how to run it once. */
struct subject {
	const char *name;
	const char *path;
	double (*run)(struct subject *s, int iterations);
	int fd;			/* for pread */
	char *const *argv;	/* for spawn */
	double samples[MAX_ROUNDS];
	double median;
};

/* open, read to EOF (or file_len bytes of a device), close. */
static double run_cycle(struct subject *s, int iterations)
{
	int dev = !strncmp(s->path, "/dev/", 5);
	double t0 = now_ns();
	int i;

	for (i = 0; i < iterations; i++) {
		int fd = open(s->path, O_RDONLY);
		ssize_t n;

		if (fd < 0)
			die("open %s", s->path);
		if (dev) {
			if (read(fd, buf, file_len) != (ssize_t)file_len)
				die("read %s", s->path);
		} else {
			while ((n = read(fd, buf, sizeof(buf))) > 0)
				;
			if (n < 0)
				die("read %s", s->path);
		}
		close(fd);
	}
	return (now_ns() - t0) / iterations;
}

static double run_pread(struct subject *s, int iterations)
{
	double t0;
	int i;

	if (s->fd < 0) {
		s->fd = open(s->path, O_RDONLY);
		if (s->fd < 0)
			die("open %s", s->path);
	}
	t0 = now_ns();
	for (i = 0; i < iterations; i++)
		if (pread(s->fd, buf, file_len, 0) < 0)
			die("pread %s", s->path);
	return (now_ns() - t0) / iterations;
}

static double run_spawn(struct subject *s, int iterations)
{
	posix_spawn_file_actions_t fa;
	double t0 = now_ns();
	int i, status;
	pid_t pid;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	for (i = 0; i < iterations; i++) {
		errno = posix_spawn(&pid, s->argv[0], &fa, NULL, s->argv, environ);
		if (errno)
			die("spawn %s", s->argv[0]);
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
			die("%s failed (status %d)", s->name, status);
	}
	posix_spawn_file_actions_destroy(&fa);
	return (now_ns() - t0) / iterations;
}

/* Interleaved rounds: round r starts at subject r % n. */
static void measure(struct subject *subj, int n, int rounds, int iterations)
{
	int r, k;

	for (k = 0; k < n; k++)
		subj[k].run(&subj[k], iterations / 10 + 1);	/* warm up */
	for (r = 0; r < rounds; r++)
		for (k = 0; k < n; k++) {
			struct subject *s = &subj[(r + k) % n];

			s->samples[r] = s->run(s, iterations);
		}
	for (k = 0; k < n; k++)
		subj[k].median = median(subj[k].samples, rounds);
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_TRUNC);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		die("write %s", path);
	close(fd);
}

static void kmem_events(const char *on)
{
	static const char *const ev[] = { "kmalloc", "kmem_cache_alloc" };
	char p[128];
	unsigned int i;

	for (i = 0; i < sizeof(ev) / sizeof(ev[0]); i++) {
		snprintf(p, sizeof(p), "/sys/kernel/tracing/events/kmem/%s/enable", ev[i]);
		write_file(p, on);
	}
}

/* Allocation call sites seen over ALLOC_OPENS cycles of one file. */
struct sites {
	int n;
	struct {
		char name[64];
		unsigned long long bytes;
	} site[64];
	unsigned long long total, own;
};

/*
 * Call sites that belong to the file's own open, read and release, not to
 * the path walk and struct file every open(2) pays (getname, the filp
 * cache, the LSM blob): procfs, seq_file and the module itself.
 */
static int own_site(const char *name)
{
	static const char *const own[] = { "proc_", "pde_", "seq_", "single_", "kvmalloc",
					   "__kvmalloc", "rustwhere", "simple_" };
	unsigned int i;

	for (i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		if (!strncmp(name, own[i], strlen(own[i])))
			return 1;
	return 0;
}

static void add_site(struct sites *st, const char *name, unsigned long long bytes)
{
	int i;

	st->total += bytes;
	if (own_site(name))
		st->own += bytes;
	for (i = 0; i < st->n; i++)
		if (!strcmp(st->site[i].name, name))
			break;
	if (i == st->n) {
		if (st->n == 64)
			return;
		snprintf(st->site[st->n++].name, sizeof(st->site[0].name), "%s", name);
	}
	st->site[i].bytes += bytes;
}

/*
 * Bytes the kernel allocates (kmalloc and kmem_cache_alloc tracepoints,
 * this process only) over ALLOC_OPENS cycles of open, read to EOF, close.
 */
static int alloc_per_open(const char *path, struct sites *st)
{
	static const char *tr = "/sys/kernel/tracing";
	char line[1024], pid[32];
	FILE *f;
	int i, lost = 0;

	memset(st, 0, sizeof(*st));
	if (access("/sys/kernel/tracing/trace", F_OK))
		mount("nodev", tr, "tracefs", 0, NULL);
	if (access("/sys/kernel/tracing/trace", W_OK))
		return 0;
	write_file("/sys/kernel/tracing/buffer_size_kb", "16384");
	write_file("/sys/kernel/tracing/trace", "");
	snprintf(pid, sizeof(pid), "%d", getpid());
	write_file("/sys/kernel/tracing/set_event_pid", pid);
	kmem_events("1");
	for (i = 0; i < ALLOC_OPENS; i++) {
		int fd = open(path, O_RDONLY);

		if (fd < 0)
			die("open %s", path);
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		close(fd);
	}
	kmem_events("0");
	f = fopen("/sys/kernel/tracing/trace", "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *b = strstr(line, "bytes_alloc="), *c = strstr(line, "call_site=");
		char name[64];
		size_t k = 0;

		if (strstr(line, "LOST"))
			lost = 1;
		if (!b || !c)
			continue;
		for (c += 10; c[k] && c[k] != '+' && c[k] != ' ' && k < sizeof(name) - 1; k++)
			name[k] = c[k];
		name[k] = 0;
		add_site(st, name, strtoull(b + 12, NULL, 10));
	}
	fclose(f);
	return !lost;
}

static void print_sites(const char *what, const struct sites *st)
{
	int i;

	printf("  alloc per cat cycle: %-13s %7.1f bytes, %6.1f of them procfs/seq_file/module:",
	       what, (double)st->total / ALLOC_OPENS, (double)st->own / ALLOC_OPENS);
	for (i = 0; i < st->n; i++)
		if (st->site[i].bytes >= ALLOC_OPENS / 2)
			printf(" %s %.0f", st->site[i].name, (double)st->site[i].bytes / ALLOC_OPENS);
	printf("\n");
}

static long read_long(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static void copy_file(const char *from, const char *to)
{
	int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ssize_t n;

	if (in < 0 || out < 0)
		die("copy %s to %s", from, to);
	file_len = 0;
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		if (write(out, buf, n) != n)
			die("write %s", to);
		file_len += n;
	}
	close(in);
	close(out);
}

/*
 * The spread of a ratio: the lowest and the highest of the rounds' own
 * ratios (subject and anchor of one round were measured side by side).
 */
static void spread(const struct subject *s, const struct subject *anchor, double *lo, double *hi)
{
	int r;

	*lo = *hi = s->samples[0] / anchor->samples[0];
	for (r = 1; r < nrounds; r++) {
		double q = s->samples[r] / anchor->samples[r];

		if (q < *lo)
			*lo = q;
		if (q > *hi)
			*hi = q;
	}
}

static void row(const char *what, const struct subject *s, const struct subject *anchor,
		const char *target)
{
	double lo, hi;

	spread(s, anchor, &lo, &hi);
	printf("  %-34s %12.0f ns  %6.2fx %5.2f-%-5.2f %-20s %s\n", what, s->median,
	       s->median / anchor->median, lo, hi, anchor->name, target);
}

/* "key": [median ratio, lowest round, highest round] */
static void json_ratio(const char *key, const struct subject *s, const struct subject *anchor,
		       int last)
{
	double lo, hi;

	spread(s, anchor, &lo, &hi);
	printf("\"%s\": [%.3f, %.3f, %.3f]%s", key, s->median / anchor->median, lo, hi,
	       last ? "" : ", ");
}

static void json_subjects(const char *key, const struct subject *s, int n, int last)
{
	int k;

	printf("  \"%s\": {", key);
	for (k = 0; k < n; k++)
		printf("%s\"%s\": %.1f", k ? ", " : "", s[k].name, s[k].median);
	printf("}%s\n", last ? "" : ",");
}

static const char *verdict(double ratio, double limit)
{
	return ratio <= limit ? "met" : "missed";
}

int main(int argc, char **argv)
{
	int rounds = 9, iterations = 2000, spawns = 40, opt, nreader = 0, alloc_ok;
	const char *file, *ko, *reader = NULL, *dyncat = NULL;
	/* The same bytes at the same depth and name length, on tmpfs. */
	char tmpfs_copy[] = "/tmp/rustwhere/systems";
	struct sites alloc[3];
	struct stat st;
	long coresize;
	glob_t g;
	int k;

	while ((opt = getopt(argc, argv, "r:n:s:c:")) != -1) {
		switch (opt) {
		case 'c': dyncat = optarg; break;
		case 'r': rounds = atoi(optarg); break;
		case 'n': iterations = atoi(optarg); break;
		case 's': spawns = atoi(optarg); break;
		default: goto usage;
		}
	}
	if (argc - optind < 2 || argc - optind > 3 || rounds < 1 || rounds > MAX_ROUNDS ||
	    iterations < 1 || spawns < 1) {
usage:
		fprintf(stderr, "usage: rwbench [-r ROUNDS] [-n ITERATIONS] [-s SPAWNS] [-c CAT] DOMAIN_FILE MODULE_KO [READER]\n");
		return 2;
	}
	nrounds = rounds;
	file = argv[optind];
	ko = argv[optind + 1];
	if (argc - optind == 3)
		reader = argv[optind + 2];

	if (mkdir("/tmp/rustwhere", 0755) && errno != EEXIST)
		die("mkdir /tmp/rustwhere");
	copy_file(file, tmpfs_copy);

	struct subject cycle[] = {
		{ .name = "rustwhere", .path = file, .run = run_cycle, .fd = -1 },
		{ .name = "tmpfs", .path = tmpfs_copy, .run = run_cycle, .fd = -1 },
		{ .name = "proc_version", .path = "/proc/version", .run = run_cycle, .fd = -1 },
		{ .name = "dev_zero", .path = "/dev/zero", .run = run_cycle, .fd = -1 },
	};
	struct subject prd[] = {
		{ .name = "rustwhere", .path = file, .run = run_pread, .fd = -1 },
		{ .name = "tmpfs", .path = tmpfs_copy, .run = run_pread, .fd = -1 },
		{ .name = "proc_version", .path = "/proc/version", .run = run_pread, .fd = -1 },
		{ .name = "dev_zero", .path = "/dev/zero", .run = run_pread, .fd = -1 },
	};
	measure(cycle, 4, rounds, iterations);
	measure(prd, 4, rounds, iterations * 4);

	alloc_ok = alloc_per_open(file, &alloc[0]) &&
		   alloc_per_open(tmpfs_copy, &alloc[1]) &&
		   alloc_per_open("/proc/version", &alloc[2]);

	coresize = read_long("/sys/module/rustwhere/coresize");
	if (stat(ko, &st))
		die("stat %s", ko);

	/* The reader against cat of the same files. */
	static char *table_argv[4], *all_argv[4], *version_argv[4];
	char **cat_argv = NULL, **dyncat_argv = NULL;
	struct subject rd[5];

	if (reader) {
		if (glob("/proc/rustwhere/*", 0, NULL, &g))
			die("glob /proc/rustwhere/*");
		cat_argv = calloc(g.gl_pathc + 2, sizeof(*cat_argv));
		dyncat_argv = calloc(g.gl_pathc + 2, sizeof(*cat_argv));
		if (!cat_argv || !dyncat_argv)
			die("calloc");
		cat_argv[0] = "/bin/cat";
		dyncat_argv[0] = (char *)(dyncat ? dyncat : "/bin/cat");
		for (k = 0; k < (int)g.gl_pathc; k++)
			cat_argv[k + 1] = dyncat_argv[k + 1] = g.gl_pathv[k];
		table_argv[0] = (char *)reader;
		all_argv[0] = (char *)reader;
		all_argv[1] = "--all";
		version_argv[0] = (char *)reader;
		version_argv[1] = "--version";
		rd[0] = (struct subject){ .name = "cat", .path = dyncat_argv[0], .run = run_spawn, .fd = -1, .argv = dyncat_argv };
		rd[1] = (struct subject){ .name = "rustwhere_table", .path = reader, .run = run_spawn, .fd = -1, .argv = table_argv };
		rd[2] = (struct subject){ .name = "rustwhere_all", .path = reader, .run = run_spawn, .fd = -1, .argv = all_argv };
		rd[3] = (struct subject){ .name = "rustwhere_version", .path = reader, .run = run_spawn, .fd = -1, .argv = version_argv };
		rd[4] = (struct subject){ .name = "busybox_cat", .path = "/bin/cat", .run = run_spawn, .fd = -1, .argv = cat_argv };
		nreader = 5;
		measure(rd, nreader, rounds, spawns);
	}

	printf("rwbench: %s (%zu bytes), %d rounds, median of each; ratios against an anchor of the same run\n",
	       file, file_len, rounds);
	printf("  %-34s %15s  %7s %-11s %-20s %s\n", "measure", "time", "ratio", "spread", "anchor", "target");
	row("cat cycle: rustwhere", &cycle[0], &cycle[1], "<= 1.05x tmpfs");
	row("cat cycle: rustwhere", &cycle[0], &cycle[2], "<= 0.80x /proc/version");
	row("cat cycle: rustwhere", &cycle[0], &cycle[3], "(floor)");
	row("cat cycle: tmpfs", &cycle[1], &cycle[3], "");
	row("cat cycle: /proc/version", &cycle[2], &cycle[3], "");
	row("pread: rustwhere", &prd[0], &prd[3], "<= 1.4x /dev/zero");
	row("pread: rustwhere", &prd[0], &prd[1], "");
	row("pread: tmpfs", &prd[1], &prd[3], "");
	row("pread: /proc/version", &prd[2], &prd[3], "");
	if (nreader) {
		row("reader: rustwhere (table)", &rd[1], &rd[0], "<= 2x cat /proc/rustwhere/*");
		row("reader: rustwhere --all", &rd[2], &rd[0], "");
		row("reader: rustwhere --version", &rd[3], &rd[0], "(start-up alone)");
		row("reader: rustwhere (table)", &rd[1], &rd[3], "(its work)");
		row("reader: busybox cat (static)", &rd[4], &rd[0], "");
	}
	if (alloc_ok) {
		print_sites("rustwhere", &alloc[0]);
		print_sites("tmpfs", &alloc[1]);
		print_sites("/proc/version", &alloc[2]);
	} else {
		printf("  alloc per cat cycle: not measured (no kmem tracepoints, or events lost)\n");
	}
	printf("  coresize: %ld bytes (%.1f KiB; target <= 24 KiB), rustwhere.ko: %lld bytes\n",
	       coresize, coresize / 1024.0, (long long)st.st_size);
	printf("  targets: cat/tmpfs %s, cat/version %s, pread/zero %s, alloc %s, coresize %s%s%s\n",
	       verdict(cycle[0].median / cycle[1].median, 1.05),
	       verdict(cycle[0].median / cycle[2].median, 0.80),
	       verdict(prd[0].median / prd[3].median, 1.4),
	       alloc_ok ? (alloc[0].own ? "missed" : "met") : "unmeasured",
	       verdict(coresize / 1024.0, 24),
	       nreader ? ", reader " : "",
	       nreader ? verdict(rd[1].median / rd[0].median, 2.0) : "");

	printf("rwbench-json-begin\n{\n");
	printf("  \"file\": \"%s\", \"bytes\": %zu, \"rounds\": %d, \"iterations\": %d,\n",
	       file, file_len, rounds, iterations);
	json_subjects("cat_cycle_ns", cycle, 4, 0);
	json_subjects("pread_ns", prd, 4, 0);
	if (nreader)
		json_subjects("reader_ns", rd, nreader, 0);
	printf("  \"ratios\": {");
	json_ratio("cat_vs_tmpfs", &cycle[0], &cycle[1], 0);
	json_ratio("cat_vs_proc_version", &cycle[0], &cycle[2], 0);
	json_ratio("pread_vs_dev_zero", &prd[0], &prd[3], !nreader);
	if (nreader) {
		json_ratio("reader_table_vs_cat", &rd[1], &rd[0], 0);
		json_ratio("reader_all_vs_cat", &rd[2], &rd[0], 1);
	}
	printf("},\n");
	printf("  \"alloc_bytes_per_cat_cycle\": {\"rustwhere\": %.1f, \"tmpfs\": %.1f, \"proc_version\": %.1f},\n",
	       alloc_ok ? (double)alloc[0].total / ALLOC_OPENS : -1,
	       alloc_ok ? (double)alloc[1].total / ALLOC_OPENS : -1,
	       alloc_ok ? (double)alloc[2].total / ALLOC_OPENS : -1);
	printf("  \"alloc_own_bytes_per_cat_cycle\": {\"rustwhere\": %.1f, \"tmpfs\": %.1f, \"proc_version\": %.1f},\n",
	       alloc_ok ? (double)alloc[0].own / ALLOC_OPENS : -1,
	       alloc_ok ? (double)alloc[1].own / ALLOC_OPENS : -1,
	       alloc_ok ? (double)alloc[2].own / ALLOC_OPENS : -1);
	printf("  \"coresize\": %ld, \"ko_bytes\": %lld\n}\nrwbench-json-end\n",
	       coresize, (long long)st.st_size);
	unlink(tmpfs_copy);
	rmdir("/tmp/rustwhere");
	return 0;
}
