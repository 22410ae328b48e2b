#!/usr/bin/env bats
# valgrind memcheck (pipe mode): no errors, no definite or indirect leaks.
# Debian 12's valgrind (3.19) does not know openat2, so it can follow a
# request only up to the first file opened: the reading, the parsing, the
# path and every refusal before a file is touched. Everything past that is
# checked by the AddressSanitizer/LeakSanitizer run of make check. Run by
# make memcheck (slow: not part of check).

load ../helpers

# helpers.bash places things relative to test/; this file is one deeper
CGIINETD=$BATS_TEST_DIRNAME/../../vg/cgiinetd	# glibc: see the Makefile
WWW=$BATS_TEST_DIRNAME/../www
CASES=$BATS_TEST_DIRNAME/../cases

memcheck() {
	[ -f "$1" ] || { echo "no input $1"; return 1; }
	status=0
	valgrind -q --vgdb=no --error-exitcode=99 --leak-check=full \
		--show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
		"$CGIINETD" -l none -d "$WWW" <"$1" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/vg" || status=$?
	if [ "$status" -eq 99 ] || [ -s "$BATS_TEST_TMPDIR/vg" ]; then
		cat "$BATS_TEST_TMPDIR/vg"
		return 1
	fi
	# the answer is the one without valgrind, so the path really ran
	normalise <"$BATS_TEST_TMPDIR/out" | cmp -s - "${1%.in}.out" ||
		{ echo "answer differs under valgrind"; return 1; }
}

@test "memcheck: every refusal made before a file is opened, clean" {
	local n=0
	for c in bad-percent short-percent percent-nul dotdot-above-root dotdot-encoded-above-root \
	         obs-fold space-before-colon no-colon bare-cr-in-field nul-in-field cl-differing \
	         cl-and-te te-gzip te-chunked-not-last uri-too-long header-line-too-long \
	         too-many-fields head-too-large method-put method-unknown-long post-not-cgi \
	         expect-other version-2 version-0 http09-post partial-head shellshock crlf-flood \
	         no-host-11 two-hosts bad-host relative-target absolute-form-userinfo dotfile dotdir \
	         well-known-dotdot encoded-slash; do
		memcheck "$CASES/$c.in" || { echo "case $c"; return 1; }
		n=$((n + 1))
	done
	[ "$n" -ge 35 ]
}
