// SPDX-License-Identifier: GPL-2.0
/*
 * rustwhere: show where Rust is used, from /proc/rustwhere.
 *
 * This file is the command: options, the three ways to run (the table, the
 * named domains, search), messages and the exit status.  Reading, parsing,
 * formatting and the suggestions for a mistyped name live in the rw*.c
 * library, which neither prints nor exits.
 *
 * The reader does not use the user's locale: it sets LC_CTYPE to C.UTF-8,
 * where it and libsmartcols measure text with wcwidth().  So it prints
 * the same bytes in every locale; where C.UTF-8 is missing (a minimal
 * initramfs), see rwutf8.c.
 */
#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "rwcols.h"
#include "rwdiag.h"
#include "rwformat.h"
#include "rwparse.h"
#include "rwroot.h"
#include "rwsearch.h"
#include "rwsuggest.h"
#include "rwutil.h"

#ifndef RUSTWHERE_VERSION
#error "RUSTWHERE_VERSION must be defined (userspace/Makefile passes it from VERSION)"
#endif

#define PROG "rustwhere"

/* Exit status, see rustwhere(1). */
enum {
	EXIT_OK = 0,
	EXIT_NOTFOUND = 1,	/* a domain or search term not found */
	EXIT_USAGE = 2,		/* bad usage */
	EXIT_NOROOT = 3,	/* module not loaded, root unreadable, bad content */
	EXIT_WRITE = 4,		/* the output could not be written */
};

enum { FMT_HUMAN = -1 };	/* else an enum rw_scols_mode */
enum { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

struct ctl {
	const char *root;
	const char *sysroot;	/* RUSTWHERE_SYSROOT, or NULL */
	const char *output;	/* -o LIST, or NULL */
	int format;		/* FMT_HUMAN or an RW_SCOLS_* */
	int color;		/* COLOR_* */
	size_t width;		/* 0: the terminal's */
	bool all;
	bool search;
	bool noheadings;
	bool list_columns;	/* -H */
	char **args;		/* domain names or search words */
	size_t nargs;

	int cols[RW_NCOLS];
	size_t ncols;
	struct rw_style style;
	struct rw_terms terms;
	int status;
};

/* The domains read from the root; ok[i] is NULL for one that failed. */
struct domains {
	struct rw_domain *v;
	const struct rw_domain **ok;
	size_t n;
};

static const int list_cols[] = { RW_COL_NAME, RW_COL_TITLE, RW_COL_PROJECTS };
static const int show_cols[] = {
	RW_COL_NAME, RW_COL_TITLE, RW_COL_SUMMARY, RW_COL_PROJECTS, RW_COL_BODY,
};
static const int search_cols[] = {
	RW_COL_NAME, RW_COL_TITLE, RW_COL_SCORE, RW_COL_MATCH,
};

/*
 * Messages go through warnx() and errx() (<err.h>, as in util-linux):
 * "rustwhere: " and the message.  Bad usage adds util-linux's hint.
 */
#define usage_errx(...) do { \
	warnx(__VA_ARGS__); \
	fprintf(stderr, "Try '%s --help' for more information.\n", \
		program_invocation_short_name); \
	exit(EXIT_USAGE); \
} while (0)

/* Report a failure of one part of the work, and go on: the status rises. */
static void report(struct ctl *ctl, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void report(struct ctl *ctl, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
	if (status > ctl->status)
		ctl->status = status;
}

static void __attribute__((noreturn)) usage(void)
{
	fputs("Usage:\n"
	      " " PROG " [options] [NAME...]\n"
	      " " PROG " [options] --all\n"
	      " " PROG " [options] search WORD...\n"
	      "\n"
	      "Show where Rust is used, as the rustwhere kernel module tells it in\n"
	      "/proc/rustwhere.  Without arguments, list the domains in a table.\n"
	      "\n"
	      "Commands:\n"
	      " NAME...              show the named domains to read\n"
	      " search WORD...       the domains that mention the words, best first\n"
	      "\n"
	      "Options:\n"
	      " -a, --all            show every domain, then the about text\n"
	      " -J, --json           use JSON output format\n"
	      " -P, --pairs          use key=\"value\" output format\n"
	      " -r, --raw            use raw output format\n"
	      " -n, --noheadings     don't print headings\n"
	      " -o, --output <list>  output columns (+<list> adds to the default)\n"
	      " -w, --width <num>    wrap to <num> columns (default: the terminal's,\n"
	      "                        or 80 when not a terminal)\n"
	      "     --root <dir>     read <dir> instead of " RW_DEFAULT_ROOT "\n"
	      "     --color[=<when>] colorize output (auto, always or never)\n"
	      "\n"
	      " -H, --list-columns   list the available columns\n"
	      " -h, --help           display this help\n"
	      " -V, --version        display version\n"
	      "\n"
	      "Default columns: NAME,TITLE,PROJECTS for the table; all but SCORE\n"
	      "and MATCH for NAME... and --all; NAME,TITLE,SCORE,MATCH for search.\n"
	      "\n"
	      "Exit status: 0 success, 1 a domain or search term not found,\n"
	      "2 bad usage, 3 the module is not loaded or its files cannot be read,\n"
	      "4 the output could not be written.\n"
	      "\n"
	      "For more details see rustwhere(1).\n", stdout);
	exit(EXIT_OK);
}

static size_t parse_width(const char *s)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || *s == '+' ||
	    v < RW_WIDTH_MIN || v > RW_WIDTH_MAX)
		usage_errx("invalid width: '%s' (expected %d to %d)", s,
			   RW_WIDTH_MIN, RW_WIDTH_MAX);
	return v;
}

static int parse_color(const char *s)
{
	if (!s || strcmp(s, "always") == 0)
		return COLOR_ALWAYS;
	if (strcmp(s, "auto") == 0)
		return COLOR_AUTO;
	if (strcmp(s, "never") == 0)
		return COLOR_NEVER;
	usage_errx("invalid --color argument: '%s' (expected auto, always or never)", s);
}

static void set_format(struct ctl *ctl, int format)
{
	if (ctl->format != FMT_HUMAN && ctl->format != format)
		usage_errx("options --json, --pairs and --raw are mutually exclusive");
	ctl->format = format;
}

/* -H: the columns, in the format asked for (-J, -P, -r). */
static void __attribute__((noreturn)) list_columns(const struct ctl *ctl)
{
	struct rw_error err = { 0 };

	if (rw_scols_list_columns(ctl->format, ctl->format == FMT_HUMAN, stdout,
				  &err))
		errx(EXIT_NOROOT, "%s", err.msg);
	exit(EXIT_OK);
}

/* -V: the reader's version; and the module's, when it is loaded. */
static void __attribute__((noreturn)) print_version(const struct ctl *ctl)
{
	char version[64];

	printf(PROG " %s\n", RUSTWHERE_VERSION);
	if (rw_diag_loaded(ctl->sysroot, version, sizeof(version)) && *version)
		printf("module %s\n", version);
	exit(EXIT_OK);
}

enum { OPT_ROOT = 0x100, OPT_COLOR };

static void parse_options(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "all",        no_argument,       NULL, 'a' },
		{ "json",       no_argument,       NULL, 'J' },
		{ "pairs",      no_argument,       NULL, 'P' },
		{ "raw",        no_argument,       NULL, 'r' },
		{ "noheadings", no_argument,       NULL, 'n' },
		{ "output",     required_argument, NULL, 'o' },
		{ "width",      required_argument, NULL, 'w' },
		{ "root",       required_argument, NULL, OPT_ROOT },
		{ "color",      optional_argument, NULL, OPT_COLOR },
		{ "list-columns", no_argument,     NULL, 'H' },
		{ "help",       no_argument,       NULL, 'h' },
		{ "version",    no_argument,       NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	opterr = 0;			/* our messages, prefixed "rustwhere: " */
	while ((c = getopt_long(argc, argv, ":aJPrno:w:HhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			ctl->all = true;
			break;
		case 'J':
			set_format(ctl, RW_SCOLS_JSON);
			break;
		case 'P':
			set_format(ctl, RW_SCOLS_PAIRS);
			break;
		case 'r':
			set_format(ctl, RW_SCOLS_RAW);
			break;
		case 'n':
			ctl->noheadings = true;
			break;
		case 'o':
			ctl->output = optarg;
			break;
		case 'w':
			ctl->width = parse_width(optarg);
			break;
		case OPT_ROOT:
			ctl->root = optarg;
			break;
		case OPT_COLOR:
			ctl->color = parse_color(optarg);
			break;
		case 'H':
			ctl->list_columns = true;
			break;
		case 'h':
			usage();
		case 'V':
			print_version(ctl);
		case ':':
			usage_errx("option '%s' requires an argument", argv[optind - 1]);
		default:
			if (optopt)
				usage_errx("invalid option -- '%c'", optopt);
			usage_errx("unrecognized option '%s'", argv[optind - 1]);
		}
	}
	if (ctl->list_columns)
		list_columns(ctl);
	ctl->args = argv + optind;
	ctl->nargs = (size_t)(argc - optind);

	/* "search" is the command unless "--" came first: "rustwhere -- search". */
	if (ctl->nargs && strcmp(ctl->args[0], "search") == 0 &&
	    strcmp(argv[optind - 1], "--") != 0) {
		ctl->search = true;
		ctl->args++;
		ctl->nargs--;
	}
}

static void check_usage(struct ctl *ctl)
{
	const int *defaults = list_cols;
	size_t ndefaults = ARRAY_SIZE(list_cols);
	struct rw_error err = { 0 };

	if (ctl->search && ctl->nargs == 0)
		usage_errx("search needs at least one word");
	if (ctl->all && ctl->search)
		usage_errx("--all cannot be used with search");
	if (ctl->all && ctl->nargs)
		usage_errx("--all takes no domain names");

	if (ctl->search) {
		defaults = search_cols;
		ndefaults = ARRAY_SIZE(search_cols);
	} else if (ctl->all || ctl->nargs) {
		defaults = show_cols;
		ndefaults = ARRAY_SIZE(show_cols);
	}
	memcpy(ctl->cols, defaults, ndefaults * sizeof(int));
	ctl->ncols = ndefaults;
	if (ctl->output &&
	    rw_parse_columns(ctl->output, defaults, ndefaults, ctl->search,
			     ctl->cols, &ctl->ncols, &err))
		usage_errx("%s", err.msg);

	if (ctl->search &&
	    rw_terms_init(&ctl->terms, (const char *const *)ctl->args,
			  ctl->nargs, &err)) {
		if (err.code == RW_EUSAGE)
			usage_errx("%s", err.msg);
		errx(EXIT_NOROOT, "%s", err.msg);
	}
}

/*
 * The width for people: --width, else the terminal's, else COLUMNS (a
 * number, as util-linux's get_terminal_width() takes it), else 80.
 */
static size_t output_width(const struct ctl *ctl)
{
	const char *columns = getenv("COLUMNS");
	struct winsize ws;
	unsigned long cols = 0;
	char *end;

	if (ctl->width)
		return ctl->width;
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
		cols = ws.ws_col;
	if (!cols && columns && isdigit((unsigned char)*columns)) {
		errno = 0;
		cols = strtoul(columns, &end, 10);
		if (errno || *end)
			cols = 0;
	}
	if (!cols)
		return 80;
	if (cols < RW_WIDTH_MIN)
		return RW_WIDTH_MIN;
	return cols > RW_WIDTH_MAX ? RW_WIDTH_MAX : cols;
}

/* auto: only on a terminal, and never with NO_COLOR set or TERM=dumb. */
static bool want_color(const struct ctl *ctl)
{
	const char *no_color = getenv("NO_COLOR");
	const char *term = getenv("TERM");

	if (ctl->color != COLOR_AUTO)
		return ctl->color == COLOR_ALWAYS;
	if (no_color && *no_color)
		return false;
	if (term && strcmp(term, "dumb") == 0)
		return false;
	return isatty(STDOUT_FILENO);
}

/*
 * The default root does not exist and the module is not loaded: say why,
 * from what rwdiag.c finds for the running kernel, a line at a time.
 */
static void __attribute__((noreturn)) not_there(const struct ctl *ctl,
						const struct rw_diag *d)
{
	struct rw_buf out;
	char *line, *save = NULL;

	rw_buf_init(&out);
	if (rw_diag_explain(d, ctl->root, &out)) {
		rw_buf_free(&out);
		errx(EXIT_NOROOT, "%s does not exist: the rustwhere module is not loaded",
		     ctl->root);
	}
	for (line = strtok_r(out.data, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		warnx("%s", line);
	rw_buf_free(&out);
	exit(EXIT_NOROOT);
}

static void open_root(struct ctl *ctl, struct rw_root *root)
{
	struct rw_error err = { 0 };
	struct rw_diag d;

	if (rw_root_open(root, ctl->root, &err) == 0)
		return;
	if (err.code == RW_ENOROOT && strcmp(ctl->root, RW_DEFAULT_ROOT) == 0) {
		rw_diag_probe(&d, ctl->sysroot);
		if (!d.loaded)
			not_there(ctl, &d);
	}
	errx(EXIT_NOROOT, "%s", err.msg);
}

/* A module of another version than the reader's: say so, and go on. */
static void check_module_version(const struct ctl *ctl)
{
	char version[64];

	if (rw_diag_loaded(ctl->sysroot, version, sizeof(version)) && *version &&
	    strcmp(version, RUSTWHERE_VERSION) != 0)
		warnx("the loaded module is version %s, this reader is %s",
		      version, RUSTWHERE_VERSION);
}

static void domains_free(struct domains *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		rw_domain_free(&d->v[i]);
	free(d->v);
	free(d->ok);
	memset(d, 0, sizeof(*d));
}

static void unknown_domain(struct ctl *ctl, const struct rw_root *root,
			   const char *arg)
{
	const struct rw_index_entry *guess = rw_suggest_domain(&root->index, arg);

	if (guess)
		report(ctl, EXIT_NOTFOUND, "unknown domain '%s': did you mean '%s' (%s)?",
		       arg, guess->name, guess->title);
	else
		report(ctl, EXIT_NOTFOUND, "unknown domain '%s' (run '" PROG
		       "' for the list, or '" PROG " search %s')", arg, arg);
}

/*
 * Read every domain of the index (@all), or those named on the command
 * line, in that order; report each failure and go on.
 */
static void load_domains(struct ctl *ctl, struct rw_root *root, bool all,
			 struct domains *d)
{
	size_t i, n = all ? root->index.n : ctl->nargs;

	d->n = n;
	d->v = calloc(n ? n : 1, sizeof(*d->v));
	d->ok = calloc(n ? n : 1, sizeof(*d->ok));
	if (!d->v || !d->ok)
		errx(EXIT_NOROOT, "out of memory");
	for (i = 0; i < n; i++) {
		const char *name = all ? root->index.v[i].name : ctl->args[i];
		struct rw_error err = { 0 };

		if (!all && !rw_index_find(&root->index, name))
			unknown_domain(ctl, root, name);
		else if (rw_root_load_domain(root, name, &d->v[i], &err) == 0)
			d->ok[i] = &d->v[i];
		else
			report(ctl, EXIT_NOROOT, "%s", err.msg);
	}
}

/* Print @out, filled by a formatter that returned @rc; free it. */
static void print_buf(struct ctl *ctl, struct rw_buf *out, int rc)
{
	if (rc || rw_buf_flush(out))
		report(ctl, EXIT_NOROOT, "out of memory");
	else
		fwrite(rw_buf_str(out), 1, out->len, stdout);
	rw_buf_free(out);
}

static bool want_table(const struct ctl *ctl)
{
	return ctl->format != FMT_HUMAN || ctl->output || ctl->noheadings ||
	       (!ctl->search && !ctl->all && ctl->nargs == 0);
}

/*
 * A table of the domains read, or of the matches @res when not NULL, for
 * people or in a format of libsmartcols.
 */
static void print_table(struct ctl *ctl, const struct domains *d,
			const struct rw_results *res)
{
	size_t i, n = 0, max = res ? res->n : d->n;
	struct rw_row *rows = calloc(max ? max : 1, sizeof(*rows));
	struct rw_table t = {
		res ? "matches" : "domains", ctl->cols, ctl->ncols, rows, 0,
		ctl->noheadings,
	};
	struct rw_error err = { 0 };
	struct rw_buf out;

	if (!rows) {
		report(ctl, EXIT_NOROOT, "out of memory");
		return;
	}
	for (i = 0; i < max; i++) {
		if (res) {
			rows[n].dom = d->ok[res->v[i].domain];
			rows[n++].match = &res->v[i];
		} else if (d->ok[i]) {
			rows[n++].dom = d->ok[i];
		}
	}
	t.nrows = n;
	if (ctl->format == FMT_HUMAN) {
		rw_buf_init(&out);
		print_buf(ctl, &out, rw_format_table(&out, &t, &ctl->style));
	} else if (rw_scols_print(&t, ctl->format, stdout, NULL, &err)) {
		report(ctl, EXIT_NOROOT, "%s", err.msg);
	}
	free(rows);
}

/* The reading view of the domains, then of about for --all. */
static void print_reading(struct ctl *ctl, struct rw_root *root,
			  const struct domains *d)
{
	struct rw_error err = { 0 };
	struct rw_about about;
	struct rw_buf out;
	bool first = true;
	size_t i;
	int rc = 0;

	rw_buf_init(&out);
	for (i = 0; i < d->n && !out.failed; i++) {
		if (!d->ok[i])
			continue;
		if (!first)
			fputc('\n', out.fp);
		rc |= rw_format_domain(&out, d->ok[i], &ctl->style);
		first = false;
	}
	if (ctl->all && !out.failed) {
		if (rw_root_load_about(root, &about, &err) == 0) {
			if (!first)
				fputc('\n', out.fp);
			rc |= rw_format_about(&out, &about, &ctl->style);
			rw_about_free(&about);
		} else {
			report(ctl, EXIT_NOROOT, "%s", err.msg);
		}
	}
	print_buf(ctl, &out, rc);
}

static void do_search(struct ctl *ctl, struct rw_root *root)
{
	struct rw_error err = { 0 };
	struct rw_results res;
	struct domains d = { 0 };
	struct rw_buf out;
	size_t t;

	load_domains(ctl, root, true, &d);
	if (rw_search(d.ok, d.n, &ctl->terms, &res, &err)) {
		report(ctl, EXIT_NOROOT, "%s", err.msg);
	} else {
		for (t = 0; t < res.nterms; t++)
			if (!res.found[t])
				report(ctl, EXIT_NOTFOUND, "no domain mentions '%s'",
				       ctl->terms.text[t]);
		if (want_table(ctl)) {
			print_table(ctl, &d, &res);
		} else {
			rw_buf_init(&out);
			print_buf(ctl, &out, rw_format_matches(&out, &res, d.ok,
							       &ctl->style));
		}
		rw_results_free(&res);
	}
	domains_free(&d);
}

static void do_domains(struct ctl *ctl, struct rw_root *root)
{
	struct domains d = { 0 };

	load_domains(ctl, root, ctl->nargs == 0, &d);
	if (want_table(ctl))
		print_table(ctl, &d, NULL);
	else
		print_reading(ctl, root, &d);
	domains_free(&d);
}

/*
 * util-linux's close_stdout(), run at exit: a write error must not pass
 * silently, and has its own exit status.  A closed pipe (EPIPE) is not
 * an error of the reader's: "rustwhere | head -1" is fine.
 */
static void close_stdout(void)
{
	errno = 0;
	if (ferror(stdout) || fflush(stdout) || fclose(stdout)) {
		if (errno == EPIPE)
			return;
		if (errno)
			warn("write error");
		else
			warnx("write error");
		_exit(EXIT_WRITE);
	}
	errno = 0;
	if (ferror(stderr) || fflush(stderr) || fclose(stderr))
		_exit(EXIT_WRITE);
}

int main(int argc, char **argv)
{
	struct ctl ctl = { .format = FMT_HUMAN };
	struct rw_root root;
	const char *env = getenv("RUSTWHERE_ROOT");
	const char *sysroot = getenv(RW_DIAG_SYSROOT_ENV);

	/* C.UTF-8, not the user's locale (glibc also knows it as C.utf8). */
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		setlocale(LC_CTYPE, "C.utf8");
	atexit(close_stdout);
	ctl.root = env && *env ? env : RW_DEFAULT_ROOT;
	ctl.sysroot = sysroot && *sysroot ? sysroot : NULL;
	parse_options(&ctl, argc, argv);
	check_usage(&ctl);
	ctl.style.width = output_width(&ctl);
	ctl.style.color = want_color(&ctl);

	check_module_version(&ctl);
	open_root(&ctl, &root);
	if (ctl.search)
		do_search(&ctl, &root);
	else
		do_domains(&ctl, &root);
	rw_root_close(&root);
	rw_terms_free(&ctl.terms);
	return ctl.status;
}
