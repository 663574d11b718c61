// See include/CZXingBench.h.
#define ZX_USE_UTF8 1
#include "CZXingBench.h"

#include <ZXing/ReadBarcode.h>
#include <ZXing/ZXVersion.h>

#include <cstring>

extern "C" long hck_zxing_read_qr(const uint8_t *grey, int width, int height, uint8_t *out, size_t capacity) {
    try {
        ZXing::ImageView image(grey, width, height, ZXing::ImageFormat::Lum);
        ZXing::DecodeHints hints;
        hints.setFormats(ZXing::BarcodeFormat::QRCode);
        size_t used = 0;
        for (const auto &result : ZXing::ReadBarcodes(image, hints)) {
            if (!result.isValid()) continue;
            const std::string text = result.text();
            if (used + 4 + text.size() > capacity) return -1;
            const uint32_t length = static_cast<uint32_t>(text.size());
            for (int i = 0; i < 4; i++) out[used + i] = static_cast<uint8_t>(length >> (8 * i));
            std::memcpy(out + used + 4, text.data(), text.size());
            used += 4 + text.size();
        }
        return static_cast<long>(used);
    } catch (...) {
        return -2;
    }
}

#define HCK_STRING(x) #x
#define HCK_VERSION(a, b, c) HCK_STRING(a) "." HCK_STRING(b) "." HCK_STRING(c)

extern "C" const char *hck_zxing_version(void) {
    return HCK_VERSION(ZXING_VERSION_MAJOR, ZXING_VERSION_MINOR, ZXING_VERSION_PATCH);
}
