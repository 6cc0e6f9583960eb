// SPDX-License-Identifier: GPL-2.0
/*
 * rustwhere: read the files of a root directory.
 *
 * Proc files may report any st_size (0 for seq_file ones), so each file is
 * read with read(2) to end of file, up to a fixed cap, and a file that
 * passes the cap is refused instead of read whole.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rwroot.h"

#define PATH_SIZE	(4096 + 256)

/* "DIR/NAME" into @path, without doubling a trailing slash of DIR. */
static void join_path(char *path, size_t size, const char *dir,
		      const char *name)
{
	size_t l = strlen(dir);
	const char *sep = (l > 0 && dir[l - 1] == '/') ? "" : "/";

	snprintf(path, size, "%s%s%s", dir, sep, name);
}

static int io_error(struct rw_error *err, int errnum, const char *what,
		    const char *path)
{
	return rw_error_set(err, RW_EIO, "%s %s: %s", what, path,
			    strerror(errnum));
}

/*
 * Read the file @name under the root to its end into *@buf (free() it,
 * also on failure), whatever size fstat() claims, and its path into @path.
 * One byte past the cap is enough to refuse a file.
 */
static int read_file(const struct rw_root *root, const char *name,
		     char *path, size_t size, char **buf, size_t *len,
		     struct rw_error *err)
{
	struct stat st;
	ssize_t n = 0;
	int fd, saved;

	join_path(path, size, root->path, name);
	*buf = NULL;
	*len = 0;
	/* O_NONBLOCK: a FIFO planted in a test tree must not hang open(). */
	fd = openat(root->dirfd, name,
		    O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return io_error(err, errno, "cannot open", path);
	if (fstat(fd, &st) != 0) {
		saved = errno;
		close(fd);
		return io_error(err, saved, "cannot stat", path);
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return rw_error_set(err, RW_EIO, "%s: not a regular file", path);
	}
	*buf = malloc(RW_FILE_MAX + 1);
	while (*buf && *len <= RW_FILE_MAX) {
		n = read(fd, *buf + *len, RW_FILE_MAX + 1 - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		*len += (size_t)n;
	}
	saved = errno;
	close(fd);
	if (!*buf)
		return rw_error_set(err, RW_ENOMEM, "%s: out of memory", path);
	if (n < 0)
		return io_error(err, saved, "cannot read", path);
	if (*len > RW_FILE_MAX)
		return rw_error_set(err, RW_EFORMAT,
			"%s: file is larger than %d KiB, the most the reader accepts",
			path, RW_FILE_MAX / 1024);
	return 0;
}

int rw_root_open(struct rw_root *root, const char *path, struct rw_error *err)
{
	char ipath[PATH_SIZE], *buf = NULL;
	size_t len;
	int rc;

	memset(root, 0, sizeof(*root));
	root->dirfd = -1;
	root->path = strdup(path);
	if (!root->path)
		return rw_error_set(err, RW_ENOMEM, "out of memory");

	root->dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root->dirfd < 0) {
		int saved = errno;

		rc = io_error(err, saved, "cannot open", path);
		if (saved == ENOENT)
			err->code = RW_ENOROOT, rc = -RW_ENOROOT;
	} else {
		rc = read_file(root, "index", ipath, sizeof(ipath), &buf, &len,
			       err);
		if (rc == 0)
			rc = rw_parse_index(buf, len, ipath, &root->index, err);
		free(buf);
	}
	if (rc)
		rw_root_close(root);
	return rc;
}

void rw_root_close(struct rw_root *root)
{
	if (root->dirfd >= 0)
		close(root->dirfd);
	rw_index_free(&root->index);
	free(root->path);
	memset(root, 0, sizeof(*root));
	root->dirfd = -1;
}

int rw_root_load_domain(struct rw_root *root, const char *name,
			struct rw_domain *dom, struct rw_error *err)
{
	char path[PATH_SIZE], *buf;
	size_t len;
	int rc;

	memset(dom, 0, sizeof(*dom));
	rc = read_file(root, name, path, sizeof(path), &buf, &len, err);
	if (rc == 0)
		rc = rw_parse_domain(buf, len, path, name, dom, err);
	free(buf);
	return rc;
}

int rw_root_load_about(struct rw_root *root, struct rw_about *about,
		       struct rw_error *err)
{
	char path[PATH_SIZE], *buf;
	size_t len;
	int rc;

	memset(about, 0, sizeof(*about));
	rc = read_file(root, "about", path, sizeof(path), &buf, &len, err);
	if (rc == 0)
		rc = rw_parse_about(buf, len, path, about, err);
	free(buf);
	return rc;
}
