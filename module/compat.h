/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rustwhere: what older kernels of the test matrix spell differently.
 *
 * Only what a kernel the tests build and boot needs (tests/vm/matrix),
 * so that each line here is proven; the oldest is Debian 11's 5.10.
 */
#ifndef _RUSTWHERE_COMPAT_H
#define _RUSTWHERE_COMPAT_H

#include <linux/version.h>

/* 5.17 renamed PDE_DATA() to pde_data(). */
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 17, 0)
#define pde_data(inode) PDE_DATA(inode)
#endif

#endif /* _RUSTWHERE_COMPAT_H */
