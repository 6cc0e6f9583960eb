// SPDX-License-Identifier: GPL-2.0
/*
 * rustwhere: why /proc/rustwhere is not there, for the running kernel.
 *
 * Three cases, as the module's life goes: no rustwhere.ko* under
 * /lib/modules/RELEASE (not built or installed for this kernel); one, but
 * no /sys/module/rustwhere (not loaded: and with Secure Boot on, a load
 * may be refused for the key); loaded, where /proc/rustwhere's own error
 * is the one to tell, so main.c keeps it.  Nothing here parses a module
 * or its signature: the file's name and the firmware's one byte suffice.
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "rwdiag.h"

const char *const rw_diag_paths[RW_DIAG_NPATHS] = {
	[RW_DIAG_MODULES]	= "/lib/modules",
	[RW_DIAG_SYSMODULE]	= "/sys/module",
	[RW_DIAG_EFIVARS]	= "/sys/firmware/efi/efivars",
};

#define MODULE_NAME	"rustwhere"
/*
 * The UEFI global variable SecureBoot (EFI_GLOBAL_VARIABLE's GUID): in
 * efivarfs, 4 bytes of attributes, then 1 = on.
 */
#define SECURE_BOOT_VAR	"SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c"
#define DKMS_MOK_KEY	"/var/lib/dkms/mok.key"
#define DKMS_MOK_CERT	"/var/lib/dkms/mok.pub"

/* @sysroot, the path of table entry @which, then @rest, into @buf. */
static void sys_path(char *buf, size_t size, const char *sysroot, int which,
		     const char *rest)
{
	snprintf(buf, size, "%s%s%s", sysroot ? sysroot : "",
		 rw_diag_paths[which], rest);
}

/* Read up to @size bytes of @path; the count, or -1. */
static ssize_t read_small(const char *path, void *buf, size_t size)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (fd < 0)
		return -1;
	do
		n = read(fd, buf, size);
	while (n < 0 && errno == EINTR);
	close(fd);
	return n;
}

bool rw_diag_loaded(const char *sysroot, char *version, size_t size)
{
	char path[RW_DIAG_PATH_SIZE];
	struct stat st;
	ssize_t n;

	version[0] = '\0';
	sys_path(path, sizeof(path), sysroot, RW_DIAG_SYSMODULE,
		 "/" MODULE_NAME);
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return false;
	sys_path(path, sizeof(path), sysroot, RW_DIAG_SYSMODULE,
		 "/" MODULE_NAME "/version");
	n = read_small(path, version, size - 1);
	if (n < 0)
		n = 0;
	version[n] = '\0';
	version[strcspn(version, "\n")] = '\0';
	return true;
}

/* nftw() passes no argument to its callback: the one it fills is here. */
static char *found_ko;
static size_t found_size;

static int find_ko(const char *path, const struct stat *st, int type,
		   struct FTW *ftw)
{
	const char *base = path + ftw->base;

	(void)st;
	if (type != FTW_F && type != FTW_SL)
		return 0;
	if (strcmp(base, MODULE_NAME ".ko") != 0 &&
	    fnmatch(MODULE_NAME ".ko.*", base, 0) != 0)
		return 0;
	snprintf(found_ko, found_size, "%s", path);
	return 1;			/* stop the walk */
}

static bool secure_boot_on(const char *sysroot)
{
	char path[RW_DIAG_PATH_SIZE];
	unsigned char var[5];

	sys_path(path, sizeof(path), sysroot, RW_DIAG_EFIVARS,
		 "/" SECURE_BOOT_VAR);
	return read_small(path, var, sizeof(var)) == (ssize_t)sizeof(var) &&
	       var[4] == 1;
}

void rw_diag_probe(struct rw_diag *d, const char *sysroot)
{
	struct utsname u;

	memset(d, 0, sizeof(*d));
	if (uname(&u) == 0)
		snprintf(d->release, sizeof(d->release), "%s", u.release);
	snprintf(d->modules, sizeof(d->modules), "%s%s/%s",
		 sysroot ? sysroot : "", rw_diag_paths[RW_DIAG_MODULES],
		 d->release);
	d->loaded = rw_diag_loaded(sysroot, d->version, sizeof(d->version));

	/* FTW_PHYS: build/ and source/ link to the headers, not modules. */
	found_ko = d->ko;
	found_size = sizeof(d->ko);
	if (d->release[0])
		nftw(d->modules, find_ko, 16, FTW_PHYS);
	found_ko = NULL;
	d->secure_boot = secure_boot_on(sysroot);
}

int rw_diag_explain(const struct rw_diag *d, const char *root,
		    struct rw_buf *out)
{
	FILE *fp = out->fp;

	if (out->failed)
		return -1;
	if (!d->ko[0]) {
		fprintf(fp, "%s does not exist: the rustwhere module is not installed "
			"for this kernel, %s (no " MODULE_NAME ".ko* under %s)\n",
			root, d->release, d->modules);
		fprintf(fp, "install it with 'sudo apt-get install linux-headers-%s' "
			"then 'sudo dkms autoinstall', or with "
			"'make && sudo make install' from its source tree\n",
			d->release);
	} else {
		fprintf(fp, "%s does not exist: the rustwhere module is installed "
			"(%s) but not loaded\n", root, d->ko);
		fprintf(fp, "load it with 'sudo modprobe " MODULE_NAME "'\n");
		if (d->secure_boot) {
			fprintf(fp, "Secure Boot is on: the load may be refused "
				"(\"Key was rejected by service\") unless the "
				"module's signing key is enrolled as a MOK\n");
			fprintf(fp, "enrol DKMS's key (Debian's DKMS signs with "
				DKMS_MOK_KEY ") with 'sudo mokutil --import "
				DKMS_MOK_CERT "', or the certificate given to "
				"'make sign SIGN_CERT=...', then reboot and "
				"enrol it\n");
		}
	}
	return rw_buf_flush(out);
}
