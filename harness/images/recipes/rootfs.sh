#!/usr/bin/env bash
# A Debian root filesystem, made with debootstrap from the Debian mirror.
# in: SUITE VARIANT PACKAGES (comma-separated) MIRROR   out: $OUT/rootfs.tar
source "$(dirname "$0")/lib.sh"
need SUITE VARIANT PACKAGES MIRROR OUT WORK CACHE
root="$WORK/rootfs"; debs="$CACHE/debs/$SUITE"
mkdir -p "$root" "$debs"
step "debootstrap --variant=$VARIANT $SUITE (+ $PACKAGES)"
debootstrap --variant="$VARIANT" --include="$PACKAGES" --cache-dir="$debs" "$SUITE" "$root" "$MIRROR"
step "trimming apt lists, docs and locales"
chroot "$root" apt-get clean
rm -rf "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* \
       "$root"/var/cache/debconf/*-old "$root"/var/log/*.log
find "$root"/usr/share/locale -mindepth 1 -maxdepth 1 ! -name 'locale.alias' -exec rm -rf {} + 2>/dev/null || true
tar -C "$root" --numeric-owner -cf "$OUT/rootfs.tar" .
du -sh "$OUT/rootfs.tar"
