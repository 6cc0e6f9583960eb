/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rustwhere: what older kernels of the test matrix spell differently.
 *
 * Only what a kernel the tests build and boot needs (tests/vm/matrix),
 * so that each line here is proven; the oldest is Debian 11's 5.10.
 * Features are tested, not version numbers, as backports move them.
 */
#ifndef _RUSTWHERE_COMPAT_H
#define _RUSTWHERE_COMPAT_H

/*
 * 5.17 renamed PDE_DATA() to pde_data(); Kbuild looks in the kernel's
 * <linux/proc_fs.h> for which one it has.
 */
#ifndef RUSTWHERE_HAVE_PDE_DATA
#define pde_data(inode) PDE_DATA(inode)
#endif

#endif /* _RUSTWHERE_COMPAT_H */
