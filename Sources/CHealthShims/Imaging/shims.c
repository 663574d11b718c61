#include "CHealthShimsImaging.h"
#include <zint.h>

unsigned long chs_zbar_fourcc_y800(void) { return zbar_fourcc('Y', '8', '0', '0'); }

// MARK: - Image files (libpng, libjpeg)


#include <png.h>
#include <stdio.h>
#include <jpeglib.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

static void chs_message(char *errbuf, size_t errlen, const char *message) {
    if (errbuf != NULL && errlen > 0) { snprintf(errbuf, errlen, "%s", message); }
}

void chs_image_free(uint8_t *buffer) { free(buffer); }

int chs_png_read_gray(const uint8_t *data, size_t size, uint64_t max_pixels, uint32_t *width, uint32_t *height,
                      uint8_t **pixels, char *errbuf, size_t errlen) {
    // The simplified API (libpng 1.6) does its own setjmp and every format conversion.
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    *pixels = NULL;
    if (!png_image_begin_read_from_memory(&image, data, size)) {
        chs_message(errbuf, errlen, image.message);
        png_image_free(&image);
        return -1;
    }
    if ((uint64_t)image.width * image.height > max_pixels) {
        *width = image.width;
        *height = image.height;
        png_image_free(&image);
        return -2;
    }
    image.format = PNG_FORMAT_GRAY;
    uint8_t *buffer = malloc(PNG_IMAGE_SIZE(image));
    if (buffer == NULL) {
        chs_message(errbuf, errlen, "out of memory");
        png_image_free(&image);
        return -1;
    }
    png_color white = {255, 255, 255};
    if (!png_image_finish_read(&image, &white, buffer, 0, NULL)) {
        chs_message(errbuf, errlen, image.message);
        png_image_free(&image);
        free(buffer);
        return -1;
    }
    *width = image.width;
    *height = image.height;
    *pixels = buffer;
    return 0;
}

typedef struct {
    uint8_t *data;
    size_t size, capacity;
    char *errbuf;
    size_t errlen;
} chs_png_sink;

static void chs_png_error(png_structp png, png_const_charp message) {
    chs_png_sink *sink = png_get_error_ptr(png);
    chs_message(sink->errbuf, sink->errlen, message);
    png_longjmp(png, 1);
}

static void chs_png_warning(png_structp png, png_const_charp message) { (void)png; (void)message; }

static void chs_png_append(png_structp png, png_bytep data, size_t length) {
    chs_png_sink *sink = png_get_io_ptr(png);
    if (sink->size + length > sink->capacity) {
        size_t capacity = sink->capacity * 2 > sink->size + length ? sink->capacity * 2 : sink->size + length;
        uint8_t *grown = realloc(sink->data, capacity);
        if (grown == NULL) { png_error(png, "out of memory"); }
        sink->data = grown;
        sink->capacity = capacity;
    }
    memcpy(sink->data + sink->size, data, length);
    sink->size += length;
}

static void chs_png_flush(png_structp png) { (void)png; }

int chs_png_write_gray(uint32_t width, uint32_t height, int bit_depth, const uint8_t *rows, size_t row_bytes,
                       uint8_t **out, size_t *out_size, char *errbuf, size_t errlen) {
    chs_png_sink sink = {NULL, 0, 0, errbuf, errlen};
    *out = NULL;
    *out_size = 0;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &sink, chs_png_error, chs_png_warning);
    if (png == NULL) {
        chs_message(errbuf, errlen, "png_create_write_struct failed");
        return -1;
    }
    png_infop info = png_create_info_struct(png);
    if (info == NULL) {
        png_destroy_write_struct(&png, NULL);
        chs_message(errbuf, errlen, "png_create_info_struct failed");
        return -1;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(sink.data);
        return -1;
    }
    png_set_write_fn(png, &sink, chs_png_append, chs_png_flush);
    png_set_IHDR(png, info, width, height, bit_depth, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (uint32_t y = 0; y < height; y++) { png_write_row(png, rows + (size_t)y * row_bytes); }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    *out = sink.data;
    *out_size = sink.size;
    return 0;
}

typedef struct {
    struct jpeg_error_mgr base;  // first, so a j_common_ptr's err can be cast back
    jmp_buf jump;
    char *errbuf;
    size_t errlen;
} chs_jpeg_error;

// Appends, so a warning ("Premature end of JPEG file") survives the error it led to.
static void chs_jpeg_output_message(j_common_ptr cinfo) {
    chs_jpeg_error *error = (chs_jpeg_error *)cinfo->err;
    char message[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, message);
    if (error->errbuf == NULL || error->errlen == 0) { return; }
    size_t used = strlen(error->errbuf);
    snprintf(error->errbuf + used, error->errlen - used, "%s%s", used > 0 ? "; " : "", message);
}

static void chs_jpeg_error_exit(j_common_ptr cinfo) {
    chs_jpeg_output_message(cinfo);
    longjmp(((chs_jpeg_error *)cinfo->err)->jump, 1);
}

static void chs_jpeg_errors(struct jpeg_error_mgr *base, chs_jpeg_error *error, char *errbuf, size_t errlen) {
    jpeg_std_error(base);
    base->error_exit = chs_jpeg_error_exit;
    base->output_message = chs_jpeg_output_message;  // default emit_message passes only the first warning
    error->errbuf = errbuf;
    error->errlen = errlen;
    chs_message(errbuf, errlen, "");
}

int chs_jpeg_read_gray(const uint8_t *data, size_t size, uint64_t max_pixels, uint32_t *width, uint32_t *height,
                       uint8_t **pixels, char *errbuf, size_t errlen) {
    struct jpeg_decompress_struct cinfo;
    chs_jpeg_error error;
    uint8_t *volatile buffer = NULL;
    *pixels = NULL;
    cinfo.err = &error.base;
    chs_jpeg_errors(&error.base, &error, errbuf, errlen);
    if (setjmp(error.jump)) {
        jpeg_destroy_decompress(&cinfo);
        free(buffer);
        return -1;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);
    if ((uint64_t)cinfo.image_width * cinfo.image_height > max_pixels) {
        *width = cinfo.image_width;
        *height = cinfo.image_height;
        jpeg_destroy_decompress(&cinfo);
        return -2;
    }
    cinfo.out_color_space = JCS_GRAYSCALE;
    jpeg_start_decompress(&cinfo);
    size_t stride = cinfo.output_width;
    buffer = malloc(stride * cinfo.output_height);
    if (buffer == NULL) {
        jpeg_destroy_decompress(&cinfo);
        chs_message(errbuf, errlen, "out of memory");
        return -1;
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = buffer + (size_t)cinfo.output_scanline * stride;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_decompress(&cinfo);
    int warned = cinfo.err->num_warnings > 0;
    *width = cinfo.output_width;
    *height = cinfo.output_height;
    *pixels = buffer;
    jpeg_destroy_decompress(&cinfo);
    return warned ? 1 : 0;
}

int chs_jpeg_write_gray(uint32_t width, uint32_t height, const uint8_t *pixels, int quality,
                        uint8_t **out, size_t *out_size, char *errbuf, size_t errlen) {
    struct jpeg_compress_struct cinfo;
    chs_jpeg_error error;
    // Written by libjpeg through their addresses, so they live in memory across the longjmp.
    unsigned char *buffer = NULL;
    unsigned long buffer_size = 0;
    *out = NULL;
    *out_size = 0;
    cinfo.err = &error.base;
    chs_jpeg_errors(&error.base, &error, errbuf, errlen);
    if (setjmp(error.jump)) {
        jpeg_destroy_compress(&cinfo);
        free(buffer);
        return -1;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, &buffer, &buffer_size);
    cinfo.image_width = width;
    cinfo.image_height = height;
    cinfo.input_components = 1;
    cinfo.in_color_space = JCS_GRAYSCALE;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)cinfo.next_scanline * width);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    *out = buffer;
    *out_size = buffer_size;
    return 0;
}

// MARK: - Grid Matrix (libzint)

int chs_zint_gridmatrix(const uint8_t *data, int length, int level, int version, uint8_t *modules,
                        size_t capacity, int *width, char *errbuf, size_t errlen) {
    struct zint_symbol *symbol = ZBarcode_Create();
    if (symbol == NULL) {
        chs_message(errbuf, errlen, "out of memory");
        return -1;
    }
    symbol->symbology = BARCODE_GRIDMATRIX;
    symbol->input_mode = DATA_MODE;
    symbol->option_1 = level;
    symbol->option_2 = version;
    int status = ZBarcode_Encode(symbol, data, length);
    if (status >= ZINT_ERROR) {
        chs_message(errbuf, errlen, symbol->errtxt);
        ZBarcode_Delete(symbol);
        return -1;
    }
    int side = symbol->width;
    if (symbol->rows != side || (size_t)side * (size_t)side > capacity) {
        chs_message(errbuf, errlen, "libzint drew a symbol that is not square or too large");
        ZBarcode_Delete(symbol);
        return -1;
    }
    for (int row = 0; row < side; row++) {
        for (int column = 0; column < side; column++) {
            modules[row * side + column] = (symbol->encoded_data[row][column >> 3] >> (column & 7)) & 1;
        }
    }
    *width = side;
    ZBarcode_Delete(symbol);
    return 0;
}
