// SPDX-License-Identifier: GPL-2.0
/*
 * rustwhere: where Rust is used, one read-only file per domain under
 * /proc/rustwhere.
 *
 * The files are const data (content.c) read through proc_ops with
 * simple_read_from_buffer(), as kernel/configs.c serves /proc/config.gz:
 * no state and no allocation per open, and proc_set_size() gives each
 * file its true size for stat(2).  There is no write, mmap or ioctl
 * handler, so procfs refuses those.
 *
 * proc_remove() on unload waits for readers inside read() to leave and
 * cuts off every file still open: a later read() gets -EIO from procfs,
 * never this module's freed code or data.
 */
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/proc_fs.h>

#include "compat.h"
#include "fault.h"
#include "rustwhere.h"

#define RUSTWHERE_DIR	"rustwhere"

static struct proc_dir_entry *rustwhere_dir;

static ssize_t rustwhere_read(struct file *file, char __user *buf,
			      size_t len, loff_t *ppos)
{
	const struct rustwhere_file *f = pde_data(file_inode(file));

	return simple_read_from_buffer(buf, len, ppos, f->start,
				       rustwhere_file_size(f));
}

static const struct proc_ops rustwhere_proc_ops = {
	.proc_read	= rustwhere_read,
	.proc_lseek	= default_llseek,
};

static int __init rustwhere_init(void)
{
	struct proc_dir_entry *pde;
	size_t i;

	rustwhere_dir = rustwhere_should_fail() ? NULL :
			proc_mkdir(RUSTWHERE_DIR, NULL);
	if (!rustwhere_dir)
		return -ENOMEM;

	for (i = 0; i < rustwhere_nr_files; i++) {
		const struct rustwhere_file *f = &rustwhere_files[i];

		pde = rustwhere_should_fail() ? NULL :
		      proc_create_data(f->name, 0444, rustwhere_dir,
				       &rustwhere_proc_ops, (void *)f);
		if (!pde) {
			/* Take down the directory and all made so far. */
			proc_remove(rustwhere_dir);
			return -ENOMEM;
		}
		proc_set_size(pde, rustwhere_file_size(f));
	}
	return 0;
}

static void __exit rustwhere_exit(void)
{
	proc_remove(rustwhere_dir);
}

module_init(rustwhere_init);
module_exit(rustwhere_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The rustwhere project");
MODULE_DESCRIPTION("Where Rust is used: one read-only file per domain under /proc/" RUSTWHERE_DIR);
MODULE_VERSION(RUSTWHERE_VERSION);
