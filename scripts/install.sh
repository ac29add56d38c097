#!/bin/sh
# Installs the cpindex C library: shared library (with its SONAME), static library,
# header and pkg-config file.
#
#   scripts/install.sh [--from DIR] PREFIX
#
# Without --from, builds the release library first (cargo build --release --lib) and takes
# the artifacts from ${CARGO_TARGET_DIR:-target}/release. With --from DIR, installs the
# libcpindex.so / libcpindex.a already in DIR (used by tests/c_api.rs).
#
# Result:
#   PREFIX/lib/libcpindex.so.VERSION   (the SONAME), PREFIX/lib/libcpindex.so -> it
#   PREFIX/lib/libcpindex.a
#   PREFIX/include/cpindex.h
#   PREFIX/lib/pkgconfig/cpindex.pc    (from scripts/cpindex.pc.in)
#
# `cargo cinstall --prefix PREFIX` (cargo-c, metadata in Cargo.toml) is the alternative.
set -eu

usage() { echo "usage: $0 [--from DIR] PREFIX" >&2; exit 2; }

FROM=""
while [ $# -gt 0 ]; do
    case "$1" in
        --from) [ $# -ge 2 ] || usage; FROM="$2"; shift 2 ;;
        -h|--help) usage ;;
        -*) echo "unknown option $1" >&2; usage ;;
        *) break ;;
    esac
done
[ $# -eq 1 ] || usage
PREFIX="$1"

ROOT=$(cd "$(dirname "$0")/.." && pwd)
VERSION=$(sed -n '/^\[package\]/,/^\[/s/^version *= *"\([^"]*\)".*/\1/p' "$ROOT/Cargo.toml" | head -n 1)
[ -n "$VERSION" ] || { echo "cannot read the version from $ROOT/Cargo.toml" >&2; exit 1; }

if [ -z "$FROM" ]; then
    (cd "$ROOT" && cargo build --release --lib)
    FROM="${CARGO_TARGET_DIR:-$ROOT/target}/release"
fi
for f in libcpindex.so libcpindex.a; do
    [ -f "$FROM/$f" ] || { echo "$FROM/$f not found" >&2; exit 1; }
done

# Libraries a static link needs besides libcpindex.a (rustc's native-static-libs for the
# standard library; cpindex itself adds none). Fall back to the Linux list in docs/c-api.md.
LIBS_PRIVATE="-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"
if command -v rustc >/dev/null 2>&1; then
    tmp=$(mktemp -d)
    : > "$tmp/empty.rs"
    found=$(rustc --crate-type staticlib --print native-static-libs "$tmp/empty.rs" \
        -o "$tmp/libempty.a" 2>&1 | sed -n 's/.*native-static-libs: //p' | head -n 1)
    rm -rf "$tmp"
    [ -n "$found" ] && LIBS_PRIVATE="$found"
fi

mkdir -p "$PREFIX/lib/pkgconfig" "$PREFIX/include"
PREFIX=$(cd "$PREFIX" && pwd)
install -m 0755 "$FROM/libcpindex.so" "$PREFIX/lib/libcpindex.so.$VERSION"
ln -sf "libcpindex.so.$VERSION" "$PREFIX/lib/libcpindex.so"
install -m 0644 "$FROM/libcpindex.a" "$PREFIX/lib/libcpindex.a"
install -m 0644 "$ROOT/include/cpindex.h" "$PREFIX/include/cpindex.h"
sed -e "s|@PREFIX@|$PREFIX|g" -e "s|@VERSION@|$VERSION|g" -e "s|@LIBS_PRIVATE@|$LIBS_PRIVATE|g" \
    "$ROOT/scripts/cpindex.pc.in" > "$PREFIX/lib/pkgconfig/cpindex.pc"

echo "installed cpindex $VERSION into $PREFIX"
echo "  compile: cc prog.c \$(PKG_CONFIG_PATH=$PREFIX/lib/pkgconfig pkg-config --cflags --libs cpindex)"
