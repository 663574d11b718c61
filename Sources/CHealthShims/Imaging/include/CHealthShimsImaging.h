// CHealthShimsImaging: thin C over zbar, libpng and libjpeg, only for what Swift cannot import
// (function-like macros, longjmp error handling). No logic lives here. Every function is
// prefixed `chs_`.
#ifndef CHEALTHSHIMS_IMAGING_H
#define CHEALTHSHIMS_IMAGING_H

#include <zbar.h>
#include <stddef.h>
#include <stdint.h>

/// `zbar_fourcc` is a macro: the Y800 (8-bit grey) image format code.
unsigned long chs_zbar_fourcc_y800(void);

// MARK: - Image files (libpng, libjpeg)

//
// libpng and libjpeg report errors by longjmp, which Swift cannot catch, so each whole
// decode/encode is one C call. Only standard C types cross: the Swift side never sees png/jpeg structs.
// Return 0 on success, -1 on failure with a NUL-terminated message in `errbuf` (at most `errlen`
// bytes). The read functions take `max_pixels` and return -2, with the declared size in
// `width`/`height` and nothing allocated, when the header declares more: a small file can declare
// a huge image (a decompression bomb). Buffers returned through `pixels`/`out` are malloc'd: release them with chs_image_free.

#include <stddef.h>
#include <stdint.h>

/// Decodes a PNG held in memory (any colour type and bit depth) to 8-bit grey, one byte per pixel,
/// stride = width. Transparency is composited onto white.
int chs_png_read_gray(const uint8_t *data, size_t size, uint64_t max_pixels, uint32_t *width, uint32_t *height,
                      uint8_t **pixels, char *errbuf, size_t errlen);

/// Encodes a greyscale PNG (bit depth 1, 2, 4, 8 or 16) from rows already packed for that depth,
/// `row_bytes` apart, into a new buffer.
int chs_png_write_gray(uint32_t width, uint32_t height, int bit_depth, const uint8_t *rows, size_t row_bytes,
                       uint8_t **out, size_t *out_size, char *errbuf, size_t errlen);

/// Decodes a baseline or progressive JPEG held in memory to 8-bit grey, stride = width.
/// Returns 1 (instead of 0) when libjpeg only warned, e.g. "Premature end of JPEG file": the pixels
/// are then delivered and the first warning is in `errbuf`. On failure a warning that preceded the
/// error comes first: "Premature end of JPEG file; JPEG datastream contains no image".
int chs_jpeg_read_gray(const uint8_t *data, size_t size, uint64_t max_pixels, uint32_t *width, uint32_t *height,
                       uint8_t **pixels, char *errbuf, size_t errlen);

/// Encodes 8-bit grey pixels (stride = width) as a JPEG of the given quality (1...100) into a new buffer.
int chs_jpeg_write_gray(uint32_t width, uint32_t height, const uint8_t *pixels, int quality,
                        uint8_t **out, size_t *out_size, char *errbuf, size_t errlen);

/// Frees a buffer returned by the chs_png_* / chs_jpeg_* functions.
void chs_image_free(uint8_t *buffer);

// MARK: - Grid Matrix (libzint)

/// Encodes `data` as a Grid Matrix symbol (zint's BARCODE_GRIDMATRIX, DATA_MODE) at `level` (1..5)
/// and `version` (0 = smallest that fits, else 1..13), and copies its modules row by row, one byte
/// each (1 = dark), into `modules` (at most `capacity` bytes). One call because `struct
/// zint_symbol` holds a 200 × 144 array that Swift imports as a 28,800-element tuple.
/// Returns 0 with `*width` set, or -1 with zint's message in `errbuf`.
int chs_zint_gridmatrix(const uint8_t *data, int length, int level, int version, uint8_t *modules,
                        size_t capacity, int *width, char *errbuf, size_t errlen);

#endif
