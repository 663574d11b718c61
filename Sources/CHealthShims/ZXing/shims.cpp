// See include/CHealthShimsZXing.h.
#define ZX_USE_UTF8 1
#include "CHealthShimsZXing.h"

#include <ZXing/ReadBarcode.h>
#include <ZXing/ZXVersion.h>

#include <cstdio>
#include <exception>
#include <memory>
#include <vector>

struct chs_zxing_results {
    std::vector<ZXing::Result> symbols;
};

static void chs_message(char *errbuf, size_t errlen, const char *message) {
    if (errbuf != nullptr && errlen > 0) { std::snprintf(errbuf, errlen, "%s", message); }
}

int chs_zxing_read_qr(const uint8_t *pixels, int width, int height, chs_zxing_results **results, char *errbuf,
                      size_t errlen) {
    *results = nullptr;
    try {
        ZXing::ImageView image(pixels, width, height, ZXing::ImageFormat::Lum);
        ZXing::DecodeHints hints;
        hints.setFormats(ZXing::BarcodeFormat::QRCode);
        auto found = std::make_unique<chs_zxing_results>();
        for (auto &result : ZXing::ReadBarcodes(image, hints)) {
            if (result.isValid()) found->symbols.push_back(std::move(result));
        }
        *results = found.release();
        return 0;
    } catch (const std::exception &error) {
        chs_message(errbuf, errlen, error.what());
    } catch (...) {
        chs_message(errbuf, errlen, "zxing-cpp threw an exception that is not a std::exception");
    }
    return -1;
}

size_t chs_zxing_count(const chs_zxing_results *results) { return results->symbols.size(); }

const uint8_t *chs_zxing_bytes(const chs_zxing_results *results, size_t index, size_t *count) {
    const ZXing::ByteArray &bytes = results->symbols[index].bytes();
    *count = bytes.size();
    return bytes.data();
}

void chs_zxing_corners(const chs_zxing_results *results, size_t index, int xy[8]) {
    const ZXing::Position &position = results->symbols[index].position();
    for (int corner = 0; corner < 4; corner++) {
        xy[2 * corner] = position[corner].x;
        xy[2 * corner + 1] = position[corner].y;
    }
}

void chs_zxing_free(chs_zxing_results *results) { delete results; }

#define CHS_STRING(x) #x
#define CHS_VERSION(a, b, c) CHS_STRING(a) "." CHS_STRING(b) "." CHS_STRING(c)

const char *chs_zxing_version(void) {
    return CHS_VERSION(ZXING_VERSION_MAJOR, ZXING_VERSION_MINOR, ZXING_VERSION_PATCH);
}
