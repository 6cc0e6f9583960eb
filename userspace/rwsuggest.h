/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rustwhere: suggestions for a domain name that is not in the index.
 */
#ifndef RW_SUGGEST_H
#define RW_SUGGEST_H

#include "rwparse.h"

/*
 * The index entry @arg most likely meant: the one whose title it is, or
 * whose name is within a few typos or starts with it, or else the only
 * one whose title has it as a word ("kernel": systems, "crypto":
 * blockchain).  NULL if none.
 */
const struct rw_index_entry *rw_suggest_domain(const struct rw_index *idx,
					       const char *arg);

#endif /* RW_SUGGEST_H */
