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

.PHONY: all module userspace probe check check-debug check-secureboot soak lint host-tests vm-tests boots demo bench \
	install uninstall clean help deps-build deps-vm deps-check

all: module userspace probe

help:
	@echo 'rustwhere $(VERSION): targets'
	@echo '  make            build module/rustwhere.ko (KDIR=$(KDIR)), userspace/rustwhere'
	@echo '                  and the guest test helper'
	@echo '  make demo       boot Debian 13'"'"'s kernel in QEMU and show the module at work'
	@echo '  make check      lint, host tests, guest tests on every kernel of tests/vm/matrix,'
	@echo '                  (each with a short bench), packaging and debug-kernel tests'
	@echo '  make vm-tests   the guest tests alone (KVERS="RELEASE ..." for some rows)'
	@echo '  make boots      boot every kernel BOOTS times, to count the boots that die'
	@echo '  make check-debug  the tests under a kernel with KASAN, kmemleak, lockdep, UBSAN'
	@echo '  make soak       check-debug with trinity for 30 minutes'
	@echo '  make check-secureboot  module signing proven under Secure Boot (OVMF, shim, GRUB, a MOK)'
	@echo '  make lint       shellcheck, checkpatch --strict, sparse (C=2) and W=1'
	@echo '  make bench      measure what a read of /proc/rustwhere costs, on every kernel'
	@echo '  make install    install the module (modules_install, depmod) and the reader'
	@echo '  make sign       sign module/rustwhere.ko: SIGN_KEY=key SIGN_CERT=cert (Secure Boot)'
	@echo '  make dkms-install  build and install the module with DKMS (make dkms-remove undoes it)'
	@echo '  make deb        Debian packages rustwhere-dkms and rustwhere, into build/pkg/'
	@echo '  make clean      remove build outputs'
	@echo 'Variables: KDIR, KVER, KVERS (kernels the VM tests boot: RELEASE or SUITE/RELEASE,'
	@echo '           see tests/vm/kernels.sh list), CYCLES, PREFIX, DESTDIR'

# A kernel built with clang (CONFIG_CC_IS_CLANG=y in its headers: Android,
# ChromeOS, distributions that build with LLVM) has its modules built with
# clang and LLVM's tools too, LLVM=1 (Documentation/kbuild/llvm.rst).
# LLVM on the command line wins: LLVM=-19 for clang-19, LLVM= for none.
# (make sign runs the kernel's sign-file alone: no compiler.)
ifeq ($(origin LLVM),undefined)
LLVM := $(shell grep -qsx 'CONFIG_CC_IS_CLANG=y' \
	$(firstword $(wildcard $(KDIR)/include/config/auto.conf $(KDIR)/.config)) /dev/null && echo 1)
endif
KBUILD_MAKE = $(MAKE) -C $(KDIR) M=$(CURDIR)$(if $(LLVM), LLVM=$(LLVM))

module:
	@test -f $(KDIR)/Makefile || { \
		echo "rustwhere: no kernel build tree at $(KDIR)."; \
		echo "  Install linux-headers-$(KVER), or pass KDIR=/path/to/headers."; \
		echo "  (make demo and make check fetch their own kernels.)"; exit 1; }
	$(KBUILD_MAKE) modules

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

# Each target installs the Debian packages it needs, no more.
deps-build:
	@tests/deps.sh build
deps-vm:
	@tests/deps.sh build vm
deps-check:
	@tests/deps.sh build vm lint host pkg debug secureboot

check: deps-check
	$(MAKE) userspace probe
	tests/check.sh

check-debug:
	@tests/deps.sh build vm debug
	$(MAKE) userspace probe
	tests/vm/run.sh debug

check-secureboot:
	@tests/deps.sh build vm secureboot
	$(MAKE) userspace probe
	tests/vm/run.sh secureboot

soak:
	@tests/deps.sh build vm debug
	$(MAKE) userspace probe
	tests/vm/run.sh soak

lint:
	@tests/deps.sh build vm lint
	tests/lint.sh

host-tests:
	@tests/deps.sh build host
	$(MAKE) userspace
	tests/host/run.sh

vm-tests: deps-vm
	$(MAKE) userspace probe
	tests/vm/run.sh check

bench: deps-vm
	$(MAKE) -s userspace probe
	tests/vm/run.sh bench

boots: deps-vm
	$(MAKE) -s userspace probe
	tests/vm/run.sh boots

demo: deps-vm
	$(MAKE) -s userspace probe
	tests/vm/run.sh demo

# The release of the kernel KDIR holds, which is where modules_install puts
# the module: KVER by default, but "make install KDIR=..." alone is right too.
# (Debian's 6.1 headers have the upstream 6.1.N in kernel.release; the
# release modules carry in vermagic is UTS_RELEASE.)
KREL	= $(or $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"$$/\1/p' \
		$(KDIR)/include/generated/utsrelease.h 2>/dev/null),$(KVER))

# The module goes to /lib/modules/KREL/updates/module (INSTALL_MOD_DIR),
# where it wins over an in-tree module of the same name, then depmod so
# modprobe finds it.  With DESTDIR (packagers, staging roots) depmod is
# left to the target system.  The kernel's own signing step of modules_install
# (CONFIG_MODULE_SIG_ALL) is turned off where the tree has no kernel key,
# as distribution headers do not ship it: "make sign" signs with yours.
#
# DKMS puts its copy in updates/dkms: both are in depmod's "updates", where
# the one it happens to read last would win.  This copy wins, for it is
# the one installed by hand: depmod.d(5)'s override for that kernel, in
# PREFIX/lib/depmod.d (kmod reads /usr/local/lib/depmod.d and /lib/depmod.d),
# says so (its kernel version is a regular expression, where Debian's
# "+" is a bracket: kmod takes a backslash for its own),
# and make install says when DKMS has a copy of its own.
DEPMOD_CONF = $(DESTDIR)$(PREFIX)/lib/depmod.d/rustwhere-$(KREL).conf
install: module userspace
	$(KBUILD_MAKE) INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) \
		$(if $(DESTDIR),INSTALL_MOD_PATH=$(DESTDIR)) \
		$(if $(wildcard $(KDIR)/certs/signing_key.pem),,CONFIG_MODULE_SIG_ALL=) modules_install
	install -d $(dir $(DEPMOD_CONF))
	printf '%s\n' '# make install: this rustwhere.ko wins over the one of DKMS (updates/dkms)' \
		'override rustwhere ^$(subst +,[+],$(subst .,[.],$(KREL)))$$ $(INSTALL_MOD_DIR)/module' > $(DEPMOD_CONF)
	$(if $(DESTDIR),,depmod -a $(KREL))
	@for ko in $(DESTDIR)/lib/modules/$(KREL)/updates/dkms/rustwhere.ko*; do \
		[ -e "$$ko" ] || continue; \
		echo "rustwhere: DKMS has its own copy for $(KREL), $${ko#$(DESTDIR)};" \
			"this one, in $(INSTALL_MOD_DIR)/module, is the one modprobe loads" \
			"($(patsubst $(DESTDIR)%,%,$(DEPMOD_CONF))) until make uninstall" >&2; \
	done
	$(MAKE) -C userspace install PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)
	install -D -m 0644 userspace/proc_rustwhere.5 $(DESTDIR)$(PREFIX)/share/man/man5/proc_rustwhere.5

# Kbuild installs the module by its path in the tree: updates/module/.
# DKMS's copy (updates/dkms) is DKMS's to remove, never this target's.
uninstall:
	rm -f $(DESTDIR)/lib/modules/$(KREL)/$(INSTALL_MOD_DIR)/module/rustwhere.ko*
	rmdir $(DESTDIR)/lib/modules/$(KREL)/$(INSTALL_MOD_DIR)/module 2> /dev/null || true
	rm -f $(DEPMOD_CONF)
	$(if $(DESTDIR),,depmod -a $(KREL))
	$(MAKE) -C userspace uninstall PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)
	rm -f $(DESTDIR)$(PREFIX)/share/man/man5/proc_rustwhere.5

.PHONY: sign dkms-src dkms-add dkms-install dkms-remove deb export-tree

# make sign: append a signature to the module for Secure Boot machines,
# with the kernel's scripts/sign-file, a private key and its X.509
# certificate (PEM or DER); enrol the certificate with mokutil --import.
SIGN_KEY  ?=
SIGN_CERT ?=
SIGN_HASH ?= sha256
SIGN_KO   ?= module/rustwhere.ko
sign:
	@test -n "$(SIGN_KEY)" && test -n "$(SIGN_CERT)" || { \
		echo "usage: make sign SIGN_KEY=key.pem SIGN_CERT=cert.pem [SIGN_KO=$(SIGN_KO)] [KDIR=$(KDIR)]" >&2; exit 1; }
	@test -x $(KDIR)/scripts/sign-file || { \
		echo "rustwhere: no $(KDIR)/scripts/sign-file: install linux-headers-$(KVER) or pass KDIR=" >&2; exit 1; }
	@test -f $(SIGN_KO) || { echo "rustwhere: no $(SIGN_KO): run make first" >&2; exit 1; }
	@! tail -c 28 $(SIGN_KO) | grep -q '~Module signature appended~' || { \
		echo "rustwhere: $(SIGN_KO) is signed already; sign a fresh build (rm $(SIGN_KO); make)" >&2; exit 1; }
	$(KDIR)/scripts/sign-file $(SIGN_HASH) $(SIGN_KEY) $(SIGN_CERT) $(SIGN_KO)
	@modinfo -F signer $(SIGN_KO) | sed 's/^/rustwhere: $(notdir $(SIGN_KO)) signed by /'

# DKMS: the source tree DKMS builds from is dkms.conf (with its POST_INSTALL
# script), Kbuild with kbuild-tools.sh, VERSION and module/ (sources and
# content/), in /usr/src/rustwhere-VERSION; dkms.conf
# gets the version from VERSION there, in place of its #MODULE_VERSION#.
# DKMS_FLAGS passes more options to dkms (--dkmstree, --no-depmod, ...).
DKMS_SRC   = $(DESTDIR)/usr/src/rustwhere-$(VERSION)
DKMS_FLAGS ?=
dkms-src:
	install -d $(DKMS_SRC)/module/content
	install -m 0644 Kbuild VERSION $(DKMS_SRC)/
	install -m 0755 dkms-post-install.sh kbuild-tools.sh $(DKMS_SRC)/
	sed 's/#MODULE_VERSION#/$(VERSION)/g' dkms.conf > $(DKMS_SRC)/dkms.conf
	@grep -qx 'PACKAGE_VERSION="$(VERSION)"' $(DKMS_SRC)/dkms.conf || { \
		echo "rustwhere: dkms.conf has no PACKAGE_VERSION=\"#MODULE_VERSION#\" to put $(VERSION) in" >&2; exit 1; }
	install -m 0644 module/Kbuild $(filter-out %.mod.c,$(wildcard module/*.c)) \
		$(wildcard module/*.h) $(DKMS_SRC)/module/
	install -m 0644 $(wildcard module/content/*) $(DKMS_SRC)/module/content/

dkms-add: dkms-src
	dkms status $(DKMS_FLAGS) rustwhere/$(VERSION) | grep -q . || dkms add $(DKMS_FLAGS) rustwhere/$(VERSION)

dkms-install: dkms-add
	dkms install $(DKMS_FLAGS) rustwhere/$(VERSION) -k $(KREL) --kernelsourcedir $(KDIR)

dkms-remove:
	-dkms remove $(DKMS_FLAGS) rustwhere/$(VERSION) --all
	rm -rf $(DKMS_SRC)

# make export-tree EXPORT_DIR=DIR: a copy of the tree into DIR, as git
# has it (committed or not, but not ignored), or without build/ and .git
# where there is no git.  The one copy make deb and tests/pkg build from.
EXPORT_DIR ?=
export-tree:
	@test -n "$(EXPORT_DIR)" || { echo "usage: make export-tree EXPORT_DIR=DIR" >&2; exit 1; }
	mkdir -p $(EXPORT_DIR)
	if [ -d .git ] || [ -f .git ] && command -v git > /dev/null; then \
		git ls-files -z --cached --others --exclude-standard | \
		xargs -0 sh -c 'for f; do [ -e "$$f" ] && printf "%s\0" "$$f"; done' sh | \
		tar --null -T - -cf - | tar -xf - -C $(EXPORT_DIR); \
	else \
		tar --exclude=./build --exclude=./.git -cf - . | tar -xf - -C $(EXPORT_DIR); \
	fi

# make deb: rustwhere-dkms and rustwhere (debian/), built by
# dpkg-buildpackage from a copy of the tree in $(PKG_O), where the .deb
# files land; the work tree itself is not touched.
PKG_O ?= $(CURDIR)/build/pkg
deb:
	rm -rf $(PKG_O)/rustwhere-$(VERSION)
	$(MAKE) -s export-tree EXPORT_DIR=$(PKG_O)/rustwhere-$(VERSION)
	cd $(PKG_O)/rustwhere-$(VERSION) && dpkg-buildpackage --no-sign -j2
	@ls $(PKG_O)/*_$(VERSION)_*.deb

clean:
	$(if $(wildcard $(KDIR)/Makefile),$(KBUILD_MAKE) clean)
	-$(MAKE) -C userspace clean
	rm -f tests/guest/rwprobe tests/bench/rwbench
	rm -rf build
