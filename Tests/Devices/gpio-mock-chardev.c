/*
 * A mock Linux GPIO character device for tests, loaded with LD_PRELOAD into a process that uses
 * libgpiod 1.6 (Debian 12's libgpiod2 1.6.3). Test support only: it exists because the machines
 * the tests run on may have no /dev/gpiochip*, no gpio-sim or gpio-mockup module and no CUSE
 * (issue 21 allows "a mock chardev only where no real one exists"); where configfs gpio-sim is
 * present the tests also run against a real simulated chip.
 *
 * Built by the test that uses it (Tests/hcardTests/StationGPIODoorTests.swift):
 *     cc -shared -fPIC -o gpio-mock.so Tests/Devices/gpio-mock-chardev.c -ldl
 *
 * What it emulates, for one fake chip whose path is in HCARD_GPIO_MOCK_CHIP (e.g. /dev/gpiochip9):
 *   - what libgpiod 1.6.3's gpiod_chip_open checks (lib/core.c, is_gpiochip_cdev): open(path),
 *     lstat/stat saying a character device 254:9, access() and the contents "254:9\n" of
 *     /sys/bus/gpio/devices/<basename>/dev;
 *   - the kernel's GPIO v1 uAPI (<linux/gpio.h>) on that descriptor: GPIO_GET_CHIPINFO_IOCTL,
 *     GPIO_GET_LINEINFO_IOCTL, GPIO_GET_LINEHANDLE_IOCTL (a new handle descriptor in req.fd,
 *     EBUSY for a line already held), and on the handle GPIOHANDLE_SET_LINE_VALUES_IOCTL /
 *     GPIOHANDLE_GET_LINE_VALUES_IOCTL; values are logical, the mock stores the physical level
 *     (inverted for GPIOHANDLE_REQUEST_ACTIVE_LOW, as the kernel does); close() of a handle
 *     frees its lines.
 * Every other path and descriptor goes to the real libc function.
 *
 * Environment:
 *   HCARD_GPIO_MOCK_CHIP   the fake chip's path (required; without it nothing is emulated)
 *   HCARD_GPIO_MOCK_LINES  how many lines it has (default 32)
 *   HCARD_GPIO_MOCK_LOG    a file every request, value set and release is appended to, one line
 *                          each: "<CLOCK_MONOTONIC ns> <event> <offset> <physical level|-> <consumer>",
 *                          event = request (the level it starts at), set, release
 *   HCARD_GPIO_MOCK_BUSY   lines held by another consumer, "17" or "17:other-daemon,18"
 *   HCARD_GPIO_MOCK_GONE   a file: while it exists the chip is unplugged (open and stat fail with
 *                          ENOENT; ioctls on descriptors opened before fail with ENODEV, as the
 *                          kernel answers after a chip is removed; its held lines are gone)
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/gpio.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#define MOCK_MAJOR 254
#define MOCK_MINOR 9
#define MAX_LINES 512
#define MAX_FDS 64

enum fd_kind { FD_CHIP = 1, FD_HANDLE = 2 };

struct mock_fd {
    int fd;
    enum fd_kind kind;
    unsigned epoch;
    unsigned count;
    unsigned offsets[GPIOHANDLES_MAX];
    int output;
    int active_low;
};

struct mock_line {
    int held;
    int active_low;
    int output;
    int level; /* physical */
    char consumer[GPIO_MAX_NAME_SIZE];
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static const char *chip_path;
static char chip_name[GPIO_MAX_NAME_SIZE];
static char sysfs_path[256];
static unsigned line_count = 32;
static const char *log_path;
static const char *gone_flag;
static char busy_consumer[MAX_LINES][GPIO_MAX_NAME_SIZE];
static struct mock_line lines[MAX_LINES];
static struct mock_fd fds[MAX_FDS];
static unsigned epoch = 1;
static int was_gone;

static int (*real_open)(const char *, int, ...);
static int (*real_open64)(const char *, int, ...);
static int (*real_close)(int);
static int (*real_ioctl)(int, unsigned long, ...);
static int (*real_stat)(const char *, struct stat *);
static int (*real_lstat)(const char *, struct stat *);
static int (*real_access)(const char *, int);

static void setup(void) {
    real_open = dlsym(RTLD_NEXT, "open");
    real_open64 = dlsym(RTLD_NEXT, "open64");
    real_close = dlsym(RTLD_NEXT, "close");
    real_ioctl = dlsym(RTLD_NEXT, "ioctl");
    real_stat = dlsym(RTLD_NEXT, "stat");
    real_lstat = dlsym(RTLD_NEXT, "lstat");
    real_access = dlsym(RTLD_NEXT, "access");
    chip_path = getenv("HCARD_GPIO_MOCK_CHIP");
    log_path = getenv("HCARD_GPIO_MOCK_LOG");
    gone_flag = getenv("HCARD_GPIO_MOCK_GONE");
    const char *count = getenv("HCARD_GPIO_MOCK_LINES");
    if (count && atoi(count) > 0 && atoi(count) <= MAX_LINES) line_count = (unsigned)atoi(count);
    if (chip_path) {
        const char *slash = strrchr(chip_path, '/');
        snprintf(chip_name, sizeof chip_name, "%s", slash ? slash + 1 : chip_path);
        snprintf(sysfs_path, sizeof sysfs_path, "/sys/bus/gpio/devices/%s/dev", chip_name);
    }
    const char *busy = getenv("HCARD_GPIO_MOCK_BUSY");
    while (busy && *busy) {
        char *end;
        unsigned long offset = strtoul(busy, &end, 10);
        const char *consumer = "other-consumer";
        char label[GPIO_MAX_NAME_SIZE] = {0};
        if (*end == ':') {
            size_t n = strcspn(end + 1, ",");
            snprintf(label, sizeof label, "%.*s", (int)n, end + 1);
            consumer = label;
            end += 1 + n;
        }
        if (offset < MAX_LINES) snprintf(busy_consumer[offset], GPIO_MAX_NAME_SIZE, "%s", consumer);
        busy = *end == ',' ? end + 1 : end + strlen(end);
    }
}

static void init(void) { pthread_once(&once, setup); }

static void log_event(const char *event, unsigned offset, int level, const char *consumer) {
    if (!log_path) return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    char text[256];
    char value[12];
    if (level < 0) snprintf(value, sizeof value, "-"); else snprintf(value, sizeof value, "%d", level);
    int length = snprintf(text, sizeof text, "%lld %s %u %s %s\n",
                          (long long)now.tv_sec * 1000000000LL + now.tv_nsec, event, offset, value,
                          consumer && *consumer ? consumer : "-");
    int fd = real_open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return;
    ssize_t written = write(fd, text, (size_t)length);
    (void)written;
    real_close(fd);
}

/* Whether the chip is unplugged now; noticing an unplug ends every open descriptor's life and
 * every held line (called with the lock held). */
static int gone(void) {
    int now = gone_flag && real_access(gone_flag, F_OK) == 0;
    if (now && !was_gone) {
        epoch++;
        for (unsigned i = 0; i < MAX_LINES; i++) lines[i].held = 0;
    }
    was_gone = now;
    return now;
}

static struct mock_fd *find(int fd) {
    for (int i = 0; i < MAX_FDS; i++)
        if (fds[i].kind && fds[i].fd == fd) return &fds[i];
    return NULL;
}

static struct mock_fd *add(int fd, enum fd_kind kind) {
    for (int i = 0; i < MAX_FDS; i++)
        if (!fds[i].kind) {
            memset(&fds[i], 0, sizeof fds[i]);
            fds[i].fd = fd;
            fds[i].kind = kind;
            fds[i].epoch = epoch;
            return &fds[i];
        }
    return NULL;
}

/* A real descriptor number the mock's chip or handle lives behind. */
static int new_descriptor(void) { return real_open("/dev/null", O_RDWR | O_CLOEXEC); }

static int open_mock(const char *path, int *result) {
    init();
    if (!chip_path) return 0;
    if (strcmp(path, chip_path) == 0) {
        pthread_mutex_lock(&lock);
        if (gone()) {
            pthread_mutex_unlock(&lock);
            errno = ENOENT;
            *result = -1;
            return 1;
        }
        int fd = new_descriptor();
        if (fd >= 0 && !add(fd, FD_CHIP)) {
            real_close(fd);
            fd = -1;
            errno = EMFILE;
        }
        pthread_mutex_unlock(&lock);
        *result = fd;
        return 1;
    }
    if (strcmp(path, sysfs_path) == 0) {
        int ends[2];
        if (pipe2(ends, O_CLOEXEC) != 0) {
            *result = -1;
            return 1;
        }
        char text[16];
        int length = snprintf(text, sizeof text, "%u:%u\n", MOCK_MAJOR, MOCK_MINOR);
        ssize_t written = write(ends[1], text, (size_t)length);
        (void)written;
        real_close(ends[1]);
        *result = ends[0];
        return 1;
    }
    return 0;
}

/* The mode argument open() takes with O_CREAT or O_TMPFILE. */
#define MODE_ARGUMENT(flags, mode)                                                                 \
    do {                                                                                           \
        if ((flags) & (O_CREAT | O_TMPFILE)) {                                                     \
            va_list args;                                                                          \
            va_start(args, flags);                                                                 \
            (mode) = va_arg(args, mode_t);                                                         \
            va_end(args);                                                                          \
        }                                                                                          \
    } while (0)

int open(const char *path, int flags, ...) {
    mode_t mode = 0;
    MODE_ARGUMENT(flags, mode);
    int result;
    return open_mock(path, &result) ? result : real_open(path, flags, mode);
}

int open64(const char *path, int flags, ...) {
    mode_t mode = 0;
    MODE_ARGUMENT(flags, mode);
    int result;
    return open_mock(path, &result) ? result : real_open64(path, flags, mode);
}

static int stat_mock(const char *path, struct stat *buffer, int *result) {
    init();
    if (!chip_path || strcmp(path, chip_path) != 0) return 0;
    pthread_mutex_lock(&lock);
    int unplugged = gone();
    pthread_mutex_unlock(&lock);
    if (unplugged) {
        errno = ENOENT;
        *result = -1;
        return 1;
    }
    memset(buffer, 0, sizeof *buffer);
    buffer->st_mode = S_IFCHR | 0660;
    buffer->st_rdev = makedev(MOCK_MAJOR, MOCK_MINOR);
    buffer->st_nlink = 1;
    *result = 0;
    return 1;
}

int stat(const char *path, struct stat *buffer) {
    int result;
    if (stat_mock(path, buffer, &result)) return result;
    return real_stat(path, buffer);
}

int lstat(const char *path, struct stat *buffer) {
    int result;
    if (stat_mock(path, buffer, &result)) return result;
    return real_lstat(path, buffer);
}

int access(const char *path, int mode) {
    init();
    if (chip_path && strcmp(path, sysfs_path) == 0) {
        pthread_mutex_lock(&lock);
        int unplugged = gone();
        pthread_mutex_unlock(&lock);
        if (unplugged) {
            errno = ENOENT;
            return -1;
        }
        return 0;
    }
    return real_access(path, mode);
}

int close(int fd) {
    init();
    pthread_mutex_lock(&lock);
    struct mock_fd *entry = find(fd);
    if (entry) {
        if (entry->kind == FD_HANDLE && entry->epoch == epoch)
            for (unsigned i = 0; i < entry->count; i++) {
                struct mock_line *line = &lines[entry->offsets[i]];
                line->held = 0;
                log_event("release", entry->offsets[i], -1, line->consumer);
            }
        entry->kind = 0;
    }
    pthread_mutex_unlock(&lock);
    return real_close(fd);
}

static int chip_ioctl(unsigned long request, void *argument) {
    switch (request) {
    case GPIO_GET_CHIPINFO_IOCTL: {
        struct gpiochip_info *info = argument;
        memset(info, 0, sizeof *info);
        snprintf(info->name, sizeof info->name, "%s", chip_name);
        snprintf(info->label, sizeof info->label, "hcard-gpio-mock");
        info->lines = line_count;
        return 0;
    }
    case GPIO_GET_LINEINFO_IOCTL: {
        struct gpioline_info *info = argument;
        unsigned offset = info->line_offset;
        if (offset >= line_count) {
            errno = EINVAL;
            return -1;
        }
        memset(info, 0, sizeof *info);
        info->line_offset = offset;
        if (lines[offset].held) {
            info->flags = GPIOLINE_FLAG_KERNEL | (lines[offset].output ? GPIOLINE_FLAG_IS_OUT : 0) |
                          (lines[offset].active_low ? GPIOLINE_FLAG_ACTIVE_LOW : 0);
            snprintf(info->consumer, sizeof info->consumer, "%s", lines[offset].consumer);
        } else if (busy_consumer[offset][0]) {
            info->flags = GPIOLINE_FLAG_KERNEL | GPIOLINE_FLAG_IS_OUT;
            snprintf(info->consumer, sizeof info->consumer, "%s", busy_consumer[offset]);
        }
        return 0;
    }
    case GPIO_GET_LINEHANDLE_IOCTL: {
        struct gpiohandle_request *req = argument;
        int output = (req->flags & GPIOHANDLE_REQUEST_OUTPUT) != 0;
        if (req->lines == 0 || req->lines > GPIOHANDLES_MAX ||
            output == ((req->flags & GPIOHANDLE_REQUEST_INPUT) != 0)) {
            errno = EINVAL;
            return -1;
        }
        for (unsigned i = 0; i < req->lines; i++) {
            if (req->lineoffsets[i] >= line_count) {
                errno = EINVAL;
                return -1;
            }
            if (lines[req->lineoffsets[i]].held || busy_consumer[req->lineoffsets[i]][0]) {
                errno = EBUSY;
                return -1;
            }
        }
        int fd = new_descriptor();
        struct mock_fd *entry = fd >= 0 ? add(fd, FD_HANDLE) : NULL;
        if (!entry) {
            if (fd >= 0) real_close(fd);
            errno = EMFILE;
            return -1;
        }
        entry->count = req->lines;
        entry->output = output;
        entry->active_low = (req->flags & GPIOHANDLE_REQUEST_ACTIVE_LOW) != 0;
        for (unsigned i = 0; i < req->lines; i++) {
            struct mock_line *line = &lines[req->lineoffsets[i]];
            entry->offsets[i] = req->lineoffsets[i];
            line->held = 1;
            line->output = output;
            line->active_low = entry->active_low;
            snprintf(line->consumer, sizeof line->consumer, "%s", req->consumer_label);
            if (output) line->level = (req->default_values[i] ? 1 : 0) ^ line->active_low;
            log_event("request", req->lineoffsets[i], output ? line->level : -1, line->consumer);
        }
        req->fd = fd;
        return 0;
    }
    default:
        errno = ENOTTY;
        return -1;
    }
}

static int handle_ioctl(struct mock_fd *entry, unsigned long request, void *argument) {
    struct gpiohandle_data *data = argument;
    switch (request) {
    case GPIOHANDLE_SET_LINE_VALUES_IOCTL:
        if (!entry->output) {
            errno = EPERM;
            return -1;
        }
        for (unsigned i = 0; i < entry->count; i++) {
            struct mock_line *line = &lines[entry->offsets[i]];
            line->level = (data->values[i] ? 1 : 0) ^ entry->active_low;
            log_event("set", entry->offsets[i], line->level, line->consumer);
        }
        return 0;
    case GPIOHANDLE_GET_LINE_VALUES_IOCTL:
        memset(data, 0, sizeof *data);
        for (unsigned i = 0; i < entry->count; i++)
            data->values[i] = (uint8_t)(lines[entry->offsets[i]].level ^ entry->active_low);
        return 0;
    default:
        errno = ENOTTY;
        return -1;
    }
}

int ioctl(int fd, unsigned long request, ...) {
    va_list args;
    va_start(args, request);
    void *argument = va_arg(args, void *);
    va_end(args);
    init();
    pthread_mutex_lock(&lock);
    struct mock_fd *entry = find(fd);
    if (!entry) {
        pthread_mutex_unlock(&lock);
        return real_ioctl(fd, request, argument);
    }
    int result;
    if (gone() || entry->epoch != epoch) {
        errno = ENODEV;
        result = -1;
    } else {
        result = entry->kind == FD_CHIP ? chip_ioctl(request, argument) : handle_ioctl(entry, request, argument);
    }
    pthread_mutex_unlock(&lock);
    return result;
}
