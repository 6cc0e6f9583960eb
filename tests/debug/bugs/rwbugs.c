// SPDX-License-Identifier: GPL-2.0
/*
 * rwbugs: one deliberate bug per kernel bug detector, for the debug
 * kernel of tests/debug/mode.sh to catch.  Test-only: never shipped.
 *
 *   insmod rwbugs.ko bug=NAME
 *
 * makes init commit the bug NAME (see rwbugs_table below) and return 0,
 * so that the module stays loaded and, for "kmemleak", its leaked object
 * stays unreferenced.  Each bug is run in a boot of its own: most of them
 * end in a panic (panic_on_warn=1, oops=panic) once the detector reports.
 * Without this module a detector that silently dropped out of the kernel
 * would look like a clean run.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/compiler.h>
#include <linux/delay.h>
#include <linux/init.h>
#include <linux/list.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timer.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

static char *bug = "";
module_param(bug, charp, 0444);
MODULE_PARM_DESC(bug, "the bug to commit: see the table in rwbugs.c");

/* KASAN: a read of a freed slab object. */
static int bug_kasan_uaf(void)
{
	char *p = kmalloc(64, GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	kfree(p);
	OPTIMIZER_HIDE_VAR(p);
	pr_info("read after free: %d\n", READ_ONCE(p[8]));
	return 0;
}

/* KASAN: a read one past a kmalloc'ed buffer. */
static int bug_kasan_oob(void)
{
	size_t n = 30;
	char *p;

	OPTIMIZER_HIDE_VAR(n);
	p = kmalloc(n, GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	pr_info("read out of bounds: %d\n", READ_ONCE(p[n]));
	kfree(p);
	return 0;
}

/* KASAN_VMALLOC: a read past a vmalloc'ed buffer. */
static int bug_kasan_vmalloc(void)
{
	size_t n = 1000;
	char *p;

	OPTIMIZER_HIDE_VAR(n);
	p = vmalloc(n);
	if (!p)
		return -ENOMEM;
	pr_info("read out of vmalloc bounds: %d\n", READ_ONCE(p[n + 8]));
	vfree(p);
	return 0;
}

/* kmemleak: an object nothing points to any more. */
static int bug_kmemleak(void)
{
	char *p = kmalloc(128, GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	strscpy(p, "rwbugs: leaked on purpose", 128);
	pr_info("leaking %p\n", p);
	/* The only reference was p, which goes out of scope here. */
	p = NULL;
	return 0;
}

/* lockdep: A then B, later B then A. */
static DEFINE_MUTEX(rwbugs_a);
static DEFINE_MUTEX(rwbugs_b);
static int bug_lockdep(void)
{
	mutex_lock(&rwbugs_a);
	mutex_lock(&rwbugs_b);
	mutex_unlock(&rwbugs_b);
	mutex_unlock(&rwbugs_a);

	mutex_lock(&rwbugs_b);
	mutex_lock(&rwbugs_a);
	mutex_unlock(&rwbugs_a);
	mutex_unlock(&rwbugs_b);
	return 0;
}

/* DEBUG_ATOMIC_SLEEP: an allocation that may sleep under a spinlock. */
static DEFINE_SPINLOCK(rwbugs_lock);
static int bug_sleep(void)
{
	void *p;

	spin_lock(&rwbugs_lock);
	p = kmalloc(32, GFP_KERNEL);
	spin_unlock(&rwbugs_lock);
	kfree(p);
	return 0;
}

/* UBSAN: a shift by more than the width of the type. */
static int bug_ubsan_shift(void)
{
	int s = 40, one = 1;

	OPTIMIZER_HIDE_VAR(s);
	pr_info("1 << 40 = %d\n", one << s);
	return 0;
}

/* UBSAN: an index past the end of an array inside a struct. */
static struct {
	int a[4];
	int after;
} rwbugs_arr;
static int bug_ubsan_index(void)
{
	int i = 4;

	OPTIMIZER_HIDE_VAR(i);
	pr_info("a[4] = %d\n", rwbugs_arr.a[i]);
	return 0;
}

/* DEBUG_LIST: the same entry added twice. */
static LIST_HEAD(rwbugs_list);
static struct list_head rwbugs_entry;
static int bug_list(void)
{
	list_add(&rwbugs_entry, &rwbugs_list);
	list_add(&rwbugs_entry, &rwbugs_list);
	return 0;
}

/* DEBUG_OBJECTS: freeing a timer that is still pending. */
static void rwbugs_timer_fn(struct timer_list *t)
{
}

static int bug_objects(void)
{
	struct timer_list *t = kmalloc(sizeof(*t), GFP_KERNEL);

	if (!t)
		return -ENOMEM;
	timer_setup(t, rwbugs_timer_fn, 0);
	mod_timer(t, jiffies + 3600 * HZ);
	kfree(t);
	return 0;
}

/* HARDENED_USERCOPY: copying more to user space than the slab object has. */
static int bug_usercopy(void)
{
	unsigned long addr;
	size_t n = 256;
	char *p = kzalloc(16, GFP_KERNEL);
	int ret = 0;

	if (!p)
		return -ENOMEM;
	/* Some user memory of insmod's to copy to. */
	addr = vm_mmap(NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_ANONYMOUS | MAP_PRIVATE, 0);
	if (IS_ERR_VALUE(addr)) {
		kfree(p);
		return addr;
	}
	/*
	 * Hidden from the compiler, or check_copy_size() sees the overflow at
	 * build time and warns from __copy_overflow() instead: the runtime
	 * check of the slab object is what is to be proven here.
	 */
	OPTIMIZER_HIDE_VAR(n);
	OPTIMIZER_HIDE_VAR(p);
	if (copy_to_user((void __user *)addr, p, n))
		ret = -EFAULT;
	vm_munmap(addr, PAGE_SIZE);
	kfree(p);
	return ret;
}

/* FORTIFY_SOURCE: strcpy() into a struct member too small for it. */
static int bug_fortify(void)
{
	struct {
		char small[8];
		char rest[56];
	} *s = kzalloc(sizeof(*s), GFP_KERNEL);
	const char *src = "0123456789abcdef";

	if (!s)
		return -ENOMEM;
	OPTIMIZER_HIDE_VAR(src);
	strcpy(s->small, src);
	pr_info("copied %s\n", s->small);
	kfree(s);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(void);
} rwbugs_table[] = {
	{ "kasan-uaf", bug_kasan_uaf },
	{ "kasan-oob", bug_kasan_oob },
	{ "kasan-vmalloc", bug_kasan_vmalloc },
	{ "kmemleak", bug_kmemleak },
	{ "lockdep", bug_lockdep },
	{ "sleep", bug_sleep },
	{ "ubsan-shift", bug_ubsan_shift },
	{ "ubsan-index", bug_ubsan_index },
	{ "list", bug_list },
	{ "objects", bug_objects },
	{ "usercopy", bug_usercopy },
	{ "fortify", bug_fortify },
};

static int __init rwbugs_init(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rwbugs_table); i++) {
		if (strcmp(bug, rwbugs_table[i].name))
			continue;
		pr_info("committing bug %s\n", bug);
		return rwbugs_table[i].fn();
	}
	pr_err("no bug named '%s'\n", bug);
	return -EINVAL;
}

static void __exit rwbugs_exit(void)
{
}

module_init(rwbugs_init);
module_exit(rwbugs_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("test only: one deliberate bug per kernel bug detector");
