// CHealthShimsZXing: a thin C face on zxing-cpp (Debian's libzxing-dev 1.4), whose API is C++ and
// which Swift therefore cannot import without C++ interoperability in every target above it. No
// logic lives here: the calls are zxing-cpp's own, its exceptions become an error message, and
// its results are handed over as bytes and corner points. Every function is prefixed `chs_`.
#ifndef CHEALTHSHIMS_ZXING_H
#define CHEALTHSHIMS_ZXING_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The symbols one read found; opaque (a `std::vector` of zxing-cpp results).
typedef struct chs_zxing_results chs_zxing_results;

/// Reads every QR Code symbol (not Micro QR) in an 8-bit grey image, `width × height` bytes with
/// rows `width` apart, with zxing-cpp's default hints (try harder, rotations, downscaling, the
/// local-average binariser). Only valid symbols are kept.
/// Returns 0 with `*results` set (release it with chs_zxing_free; it may hold no symbol), or -1
/// with zxing-cpp's exception message in `errbuf` (at most `errlen` bytes) and `*results` NULL.
int chs_zxing_read_qr(const uint8_t *pixels, int width, int height, chs_zxing_results **results, char *errbuf,
                      size_t errlen);

/// How many symbols `results` holds.
size_t chs_zxing_count(const chs_zxing_results *results);

/// The payload of symbol `index` exactly as encoded (zxing-cpp's `Result::bytes()`: no character
/// set conversion, no ECI markers), `*count` bytes; valid until chs_zxing_free.
const uint8_t *chs_zxing_bytes(const chs_zxing_results *results, size_t index, size_t *count);

/// The four corners of symbol `index` in the image, as x, y pairs (top-left, top-right,
/// bottom-right, bottom-left of the symbol as zxing-cpp found it) into `xy[0...7]`.
void chs_zxing_corners(const chs_zxing_results *results, size_t index, int xy[8]);

/// Releases what chs_zxing_read_qr returned (NULL is fine).
void chs_zxing_free(chs_zxing_results *results);

/// zxing-cpp's version as compiled against, e.g. "1.4.0".
const char *chs_zxing_version(void);

#ifdef __cplusplus
}
#endif
#endif
