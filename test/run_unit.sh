#!/usr/bin/env bash
# Runs the C unit tests given as arguments (binaries in dir $1); each prints
# TAP lines.  Prints "unit: N passed, N failed" and exits non-zero on failure.
# UNIT_RUNNER, if set, runs each binary (e.g. under valgrind).
bin=$1; shift
pass=0; fail=0
for t in "$@"; do
    out=$(${UNIT_RUNNER:-} "$bin/$t" 2>&1); rc=$?
    p=$(grep -c '^ok ' <<<"$out"); f=$(grep -c '^not ok ' <<<"$out")
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "not ok - $t exited with $rc"; fi
    grep '^not ok ' <<<"$out"
    printf '%-28s %4d passed, %d failed\n' "$t" "$p" "$f"
    pass=$((pass + p)); fail=$((fail + f))
done
echo "unit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
