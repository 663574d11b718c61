// A thin C face on zxing-cpp (Debian's libzxing-dev) for the benchmark's side-by-side read rate
// (issue 19, item 2). Built only in the benchmark package: the library does not depend on it.
#ifndef CZXINGBENCH_H
#define CZXINGBENCH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Reads every QR code in a grey image (one byte a pixel, rows of `width` bytes) with zxing-cpp's
/// defaults (try harder, rotations, downscaling). Writes each code's text (UTF-8, zxing-cpp's ECI
/// or guessed character set) into `out` as a 4-byte little-endian length and the bytes.
/// Returns the bytes used, or -1 if `capacity` is too small, or -2 on an exception.
long hck_zxing_read_qr(const uint8_t *grey, int width, int height, uint8_t *out, size_t capacity);

/// zxing-cpp's version, "1.4.0".
const char *hck_zxing_version(void);

#ifdef __cplusplus
}
#endif
#endif
