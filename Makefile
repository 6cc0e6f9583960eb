# SPDX-License-Identifier: GPL-2.0
#
# rustwhere: the one entry point.  "make help" lists the targets.
#
# The module is built by Kbuild (see Kbuild and module/Kbuild): this file
# only calls it, as Documentation/kbuild/modules.rst describes.

KVER	?= $(shell uname -r)
KDIR	?= /lib/modules/$(KVER)/build
PREFIX	?= /usr/local
DESTDIR	?=
INSTALL_MOD_DIR ?= updates
VERSION	:= $(shell cat VERSION)
CC	?= cc

export O ?= $(CURDIR)/build

.PHONY: all module userspace probe check lint host-tests vm-tests demo bench \
	install uninstall clean help deps-build deps-check

all: module userspace probe

help:
	@echo 'rustwhere $(VERSION): targets'
	@echo '  make            build module/rustwhere.ko (KDIR=$(KDIR)), userspace/rustwhere'
	@echo '                  and the guest test helper'
	@echo '  make demo       boot Debian 6.12 in QEMU and show the module at work'
	@echo '  make check      lint, host tests and guest tests on Debian 6.1 and 6.12'
	@echo '  make lint       checkpatch --strict, sparse (C=2) and W=1'
	@echo '  make bench      measure what a read of /proc/rustwhere costs'
	@echo '  make install    install the module (modules_install, depmod) and the reader'
	@echo '  make clean      remove build outputs'
	@echo 'Variables: KDIR, KVER, KVERS (kernels the VM tests boot), PREFIX, DESTDIR'

module:
	@test -f $(KDIR)/Makefile || { \
		echo "rustwhere: no kernel build tree at $(KDIR)."; \
		echo "  Install linux-headers-$(KVER), or pass KDIR=/path/to/headers."; \
		echo "  (make demo and make check fetch their own kernels.)"; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

userspace:
	$(MAKE) -C userspace

# The guest tests' helper and the benchmark: static, so they run in the
# initramfs as they are.
GUEST_CFLAGS := -static -std=gnu11 -O2 -Wall -Wextra -Wformat=2
probe: tests/guest/rwprobe tests/bench/rwbench
tests/guest/rwprobe: tests/guest/rwprobe.c
	$(CC) $(GUEST_CFLAGS) -o $@ $<
tests/bench/rwbench: tests/bench/rwbench.c
	$(CC) $(GUEST_CFLAGS) -o $@ $<

deps-build:
	@tests/deps.sh build
deps-check:
	@tests/deps.sh build vm lint host

check: deps-check
	$(MAKE) userspace probe
	tests/check.sh

lint: deps-check
	tests/lint.sh

host-tests: deps-check
	$(MAKE) userspace
	tests/host/run.sh

vm-tests: deps-check
	$(MAKE) userspace probe
	tests/vm/run.sh check

bench: deps-check
	$(MAKE) -s userspace probe
	tests/vm/run.sh bench

demo: deps-check
	$(MAKE) -s userspace probe
	tests/vm/run.sh demo

install: module userspace
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) \
		$(if $(DESTDIR),INSTALL_MOD_PATH=$(DESTDIR)) modules_install
	$(if $(DESTDIR),,depmod -a $(KVER))
	$(MAKE) -C userspace install PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)
	install -D -m 0644 userspace/proc_rustwhere.5 $(DESTDIR)$(PREFIX)/share/man/man5/proc_rustwhere.5

uninstall:
	rm -f $(DESTDIR)/lib/modules/$(KVER)/$(INSTALL_MOD_DIR)/rustwhere.ko*
	$(if $(DESTDIR),,depmod -a $(KVER))
	$(MAKE) -C userspace uninstall PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)
	rm -f $(DESTDIR)$(PREFIX)/share/man/man5/proc_rustwhere.5

clean:
	$(if $(wildcard $(KDIR)/Makefile),$(MAKE) -C $(KDIR) M=$(CURDIR) clean)
	-$(MAKE) -C userspace clean
	rm -f tests/guest/rwprobe tests/bench/rwbench
	rm -rf build
