// SPDX-License-Identifier: GPL-2.0
/*
 * rustwhere: read the files of a root directory.
 *
 * Proc files may report any st_size (0 for seq_file ones), so each file is
 * read with read(2) to end of file into a buffer that grows up to a fixed
 * cap, and a file that passes the cap is refused instead of read whole.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rwroot.h"

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

/* Read all of @fd into @out; -1 with errno set, or -2 past @cap. */
static int read_all(int fd, size_t cap, struct rw_buf *out)
{
	for (;;) {
		size_t room;
		ssize_t n;

		if (!rw_buf_reserve(out, 4096)) {
			errno = ENOMEM;
			return -1;
		}
		room = out->cap - out->len - 1;
		if (room > cap + 1 - out->len)
			room = cap + 1 - out->len;	/* one past the cap is enough */
		n = read(fd, out->data + out->len, room);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
		out->data[out->len] = '\0';
		if (out->len > cap)
			return -2;
	}
	return 0;
}

int rw_read_file(int dirfd, const char *dirpath, const char *name, size_t cap,
		 struct rw_buf *out, struct rw_error *err)
{
	char path[4096 + 256];
	struct stat st;
	int fd, rc, saved;

	join_path(path, sizeof(path), dirpath, name);
	rw_buf_reset(out);

	/* O_NONBLOCK: a FIFO planted in a test tree must not hang open(). */
	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
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
	rc = read_all(fd, cap, out);
	saved = errno;
	close(fd);
	if (rc == -2)
		return rw_error_set(err, RW_EFORMAT,
			"%s: file is larger than %zu KiB, the most the reader accepts",
			path, cap / 1024);
	if (rc < 0) {
		if (saved == ENOMEM)
			return rw_error_set(err, RW_ENOMEM, "%s: out of memory", path);
		return io_error(err, saved, "cannot read", path);
	}
	return 0;
}

int rw_root_open(struct rw_root *root, const char *path, struct rw_error *err)
{
	char ipath[4096 + 256];
	struct rw_buf buf;
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
		rw_root_close(root);
		return rc;
	}

	rw_buf_init(&buf);
	join_path(ipath, sizeof(ipath), path, "index");
	rc = rw_read_file(root->dirfd, path, "index", RW_FILE_MAX, &buf, err);
	if (rc == 0)
		rc = rw_parse_index(buf.data, buf.len, ipath, &root->index, err);
	rw_buf_free(&buf);
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
	char path[4096 + 256];
	struct rw_buf buf;
	int rc;

	memset(dom, 0, sizeof(*dom));
	join_path(path, sizeof(path), root->path, name);
	rw_buf_init(&buf);
	rc = rw_read_file(root->dirfd, root->path, name, RW_FILE_MAX, &buf, err);
	if (rc == 0)
		rc = rw_parse_domain(buf.data, buf.len, path, name, dom, err);
	rw_buf_free(&buf);
	return rc;
}

int rw_root_load_about(struct rw_root *root, struct rw_about *about,
		       struct rw_error *err)
{
	char path[4096 + 256];
	struct rw_buf buf;
	int rc;

	memset(about, 0, sizeof(*about));
	join_path(path, sizeof(path), root->path, "about");
	rw_buf_init(&buf);
	rc = rw_read_file(root->dirfd, root->path, "about", RW_FILE_MAX, &buf, err);
	if (rc == 0)
		rc = rw_parse_about(buf.data, buf.len, path, about, err);
	rw_buf_free(&buf);
	return rc;
}
