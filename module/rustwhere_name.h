/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rustwhere: the one rule for the name of a domain.
 *
 * A domain's name is its file under content/ and under /proc/rustwhere,
 * and content.c pastes it into C identifiers (rustwhere_NAME_start), so
 * it is a lowercase ASCII letter, then lowercase ASCII letters, digits or
 * '_', and it is neither "index" nor "about", the two files that are not
 * domains.  Index lines are "NAME: Title".
 *
 * This file is the rule's one place.  module/Kbuild and the KUnit
 * Kbuild read the two sets below from it (a pattern of their own would
 * be a second place); the reader includes it; the guest tests read it;
 * the bash completion cannot read a file at completion time, so it
 * carries the same two sets, which tests/lint.sh requires to be these.
 * It includes nothing, so kernel and userspace code alike can use it.
 * Each set is written out in full, never as a range, so that no locale
 * can change what it holds.
 */
#ifndef _RUSTWHERE_NAME_H
#define _RUSTWHERE_NAME_H

/* The characters a name may start with. */
#define RUSTWHERE_NAME_FIRST "abcdefghijklmnopqrstuvwxyz"

/* The characters of the rest of a name. */
#define RUSTWHERE_NAME_CHARS "abcdefghijklmnopqrstuvwxyz0123456789_"

#endif /* _RUSTWHERE_NAME_H */
