#!/usr/bin/env bash
# Runs a command with the wall clock moved to DATE, to look for time bombs by hand
# (Docs/testing.md, "Dates and the wall clock"). Not part of CI.
#
#   bash Scripts/run-at-date.sh '2027-01-02 08:00:00 UTC' swift test --skip-build --filter HealthQRTests
#   bash Scripts/run-at-date.sh '2030-06-01 08:00:00 UTC' .build/debug/hcard fixtures validate Fixtures
#
# libfaketime (Debian package `faketime`) moves CLOCK_REALTIME by a fixed offset, the same in every
# process the command starts, and leaves CLOCK_MONOTONIC alone (FAKETIME_DONT_FAKE_MONOTONIC=1).
# It also shifts the deadlines given to timerfd_settime, which Dispatch uses for monotonic timers, so
# every Task.sleep in a test would wait for the offset (weeks): a small library preloaded before it
# passes timerfd_settime/timerfd_gettime and monotonic clock_nanosleep straight to the kernel
# (libfaketime 0.9.10 also breaks Python's time.sleep with EINVAL).
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 DATE COMMAND [ARGUMENT...]" >&2; exit 64; }
date=$1
shift
faketime_library=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -1)
[ -n "$faketime_library" ] || { echo "run-at-date: libfaketime not found (apt-get install faketime)" >&2; exit 1; }
target=$(date -d "$date" +%s) || exit 64
work=$(mktemp -d "${TMPDIR:-/tmp}/run-at-date.XXXXXX")
trap 'rm -rf "$work"' EXIT
cat > "$work/timerfd.c" << 'EOF'
#define _GNU_SOURCE
#include <sys/syscall.h>
#include <errno.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>
int timerfd_settime(int fd, int flags, const struct itimerspec *new_value, struct itimerspec *old_value) {
    return (int)syscall(SYS_timerfd_settime, fd, flags, new_value, old_value);
}
int timerfd_gettime(int fd, struct itimerspec *current) { return (int)syscall(SYS_timerfd_gettime, fd, current); }
/* Monotonic sleeps to an absolute deadline (Python's time.sleep) are not shifted either. */
int clock_nanosleep(clockid_t clock, int flags, const struct timespec *request, struct timespec *remain) {
    if (clock == CLOCK_REALTIME) {
        struct timespec now, relative;
        if (!(flags & TIMER_ABSTIME)) return (int)syscall(SYS_clock_nanosleep, clock, 0, request, remain) < 0 ? errno : 0;
        clock_gettime(CLOCK_REALTIME, &now);  /* the faked time, which the deadline is in */
        relative.tv_sec = request->tv_sec - now.tv_sec;
        relative.tv_nsec = request->tv_nsec - now.tv_nsec;
        if (relative.tv_nsec < 0) { relative.tv_nsec += 1000000000L; relative.tv_sec -= 1; }
        if (relative.tv_sec < 0) return 0;
        return (int)syscall(SYS_clock_nanosleep, clock, 0, &relative, remain) < 0 ? errno : 0;
    }
    return (int)syscall(SYS_clock_nanosleep, clock, flags, request, remain) < 0 ? errno : 0;
}
EOF
gcc -shared -fPIC -O2 -o "$work/timerfd.so" "$work/timerfd.c"
offset=$((target - $(date +%s)))
status=0
# Through `timeout`: run directly with the preloads, the `swift` driver crashed at start with an
# illegal instruction (2026-12-07, Swift 6.3; cause not found); started by `timeout` it runs.
LD_PRELOAD="$work/timerfd.so $faketime_library" FAKETIME="+${offset}s" FAKETIME_DONT_FAKE_MONOTONIC=1 timeout 1d "$@" || status=$?
exit "$status"
