/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rustwhere: fault injection for init, in test builds only.
 *
 * A test build (make RUSTWHERE_FAULT_INJECT=y, as tests/vm/run.sh and
 * tests/debug/run.sh build it; module/Kbuild turns that into the macro)
 * takes the parameter fail_at=N: the Nth proc entry that init creates
 * fails as if out of memory, so the tests can prove that every failure
 * part-way unwinds.  In a normal build the check is a constant false and the
 * parameter does not exist.
 */
#ifndef _RUSTWHERE_FAULT_H
#define _RUSTWHERE_FAULT_H

#include <linux/types.h>

#ifdef RUSTWHERE_FAULT_INJECT
#include <linux/moduleparam.h>

static unsigned int fail_at;
module_param(fail_at, uint, 0444);
MODULE_PARM_DESC(fail_at, "test builds only: fail the Nth proc entry init creates (0: never)");

static bool rustwhere_should_fail(void)
{
	static unsigned int calls;

	return fail_at && ++calls == fail_at;
}
#else
static inline bool rustwhere_should_fail(void)
{
	return false;
}
#endif

#endif /* _RUSTWHERE_FAULT_H */
