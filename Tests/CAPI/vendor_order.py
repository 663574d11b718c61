#!/usr/bin/env python3
"""The vendor call order of vendor_order.c through Python ctypes, as a Python HIS would load
libhcard.so: same calls, same `name<TAB>value` output for compare.py.

    vendor_order.py LIBHCARD OUTPATIENT.txt INPATIENT.txt"""
import ctypes
import os
import sys

lib = ctypes.CDLL(sys.argv[1])
outpatient, inpatient = (open(p, "rb").read().rstrip(b"\n") for p in sys.argv[2:4])
lib.hcard_version.restype = ctypes.c_char_p
lib.hcard_last_error.restype = ctypes.c_char_p
lib.OpenDevice.restype = ctypes.c_void_p
lib.SendAPDU.restype = ctypes.c_uint32
lib.SendAPDU.argtypes = [ctypes.c_void_p, ctypes.c_ubyte, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_void_p,
                         ctypes.POINTER(ctypes.c_int)]
lib.SM3Digest.restype = ctypes.c_uint32
lib.SM2SignHash.restype = ctypes.c_uint32
out = sys.stdout.buffer
psam = int(os.environ.get("HCARD_PSAM_SLOT", "0x11"), 0)


def expect(what, got, wanted):
    if got != wanted:
        sys.stderr.write(f"{what} returned {got}, expected {wanted}: {lib.hcard_last_error().decode()}\n")
        sys.exit(1)


def put(name, value):
    out.write(name.encode() + b"\t" + (value if isinstance(value, bytes) else value.encode()) + b"\n")


def buffers(n, size=512):
    return [ctypes.create_string_buffer(size) for _ in range(n)]


def read_into(name, function, count, *leading):
    b = buffers(count)
    expect(name, function(None, *leading, *b), 0)
    return [x.value for x in b]


put("version", lib.hcard_version())
atr = ctypes.create_string_buffer(64)
expect("iDOpenPort", lib.iDOpenPort(), 0)
expect("PowerOn(PSAM)", lib.PowerOn(None, psam, atr), 0)
put("samATR", atr.value)
expect("PowerOn(0x42)", lib.PowerOn(None, 0x42, atr), 101)
expect("iVerifyPIN(odd)", lib.iVerifyPIN(None, b"12345"), 101)
expect("iVerifyPIN", lib.iVerifyPIN(None, b"123456"), 0)
expect("PowerOn(USER)", lib.PowerOn(None, 1, atr), 0)
put("cardATR", atr.value)

info = ctypes.create_string_buffer(256)
for key, function in (("samPublic", lib.iReader_SAM_Public), ("samTerminal", lib.iReader_SAM_Terminal),
                      ("samPublicApp", lib.iReader_SAM_PublicApp)):
    expect(key, function(0, info), 0)
    put(key, info.value)
expect("iReader_SAM_OrgCertificate", lib.iReader_SAM_OrgCertificate(0, info), 0)
put("samOrgCertificate", info.raw[:180].hex().upper())
expect("iReader_SAM_Certificate", lib.iReader_SAM_Certificate(0, info), 0)
put("samCertificate", info.raw[:190].hex().upper())
digest, digest_length = ctypes.create_string_buffer(32), ctypes.c_ubyte(32)
expect("SM3Digest", lib.SM3Digest(None, b"abc", 3, digest, ctypes.byref(digest_length)), 0)
put("sm3abc", digest.raw[:digest_length.value].hex().upper())
signature, signature_length = ctypes.create_string_buffer(64), ctypes.c_ubyte(64)
expect("SM2SignHash", lib.SM2SignHash(None, digest, 32, signature, ctypes.byref(signature_length)), 0)
put("sm2SignatureLength", str(signature_length.value))

response, response_length = ctypes.create_string_buffer(258), ctypes.c_int(0)
for key, slot, command in (("apduCard", 1, bytes.fromhex("00A4000002DDF1")), ("apduSAM", psam, bytes.fromhex("00A40000023F00"))):
    expect(key, lib.SendAPDU(None, slot, command, len(command), response, ctypes.byref(response_length)), 0)
    put(key, response.raw[:response_length.value + 2].hex().upper())

gbk = (lambda s: s.encode("utf-8")) if os.environ.get("HCARD_TEXT") == "utf8" else (lambda s: s.encode("gbk"))
N = None
expect("iW_DDF1EF05Info", lib.iW_DDF1EF05Info(None, b"2", N, N, N, N, N, N, N, N, N), 108)
expect("iW_DDF1EF06Info", lib.iW_DDF1EF06Info(None, N, N, N, N, b"110105194912310021"), 108)
expect("iW_DDF1EF08Info(bad cn)", lib.iW_DDF1EF08Info(None, b"2030123X", N, N, N, N, N), 101)
expect("iW_DDF1EF08Info", lib.iW_DDF1EF08Info(None, b"20301231", b"13800138000", b"010-65295114", b"01", N, b"03"), 0)
expect("iW_DF01EF05Info", lib.iW_DF01EF05Info(None, b"1", gbk("北京市东城区"), b"2", gbk("上海市")), 0)
expect("iW_DF01EF06Info", lib.iW_DF01EF06Info(None, gbk("李四"), b"10", b"13900139000", N, N, N, N, N, N), 0)
expect("iW_DF01EF07Info", lib.iW_DF01EF07Info(None, b"10", b"20", b"X01"), 0)
expect("iW_DF01EF08Info", lib.iW_DF01EF08Info(None, b"01", b"11010519491231002X", b"HR2026000000001", b""), 0)
expect("iW_DF02EF05Info", lib.iW_DF02EF05Info(None, b"03", b"1F", b"01", b"00", N, N, N, b"01", N, N, N, N, N, N,
                                              gbk("青霉素")), 0)
expect("iW_DF02EF06Info", lib.iW_DF02EF06Info(None, b"00"), 0)
expect("iW_DF02EF07Info", lib.iW_DF02EF07Info(None, gbk("青霉素"), gbk("皮疹")), 0)
expect("iW_DF02EF08Info", lib.iW_DF02EF08Info(None, gbk("乙肝疫苗"), b"20200506"), 0)
photo = ctypes.create_string_buffer(bytes([0, 6, 0xFF, 0xD8, 0xFF, 0xE0, 0xFF, 0xD9]), 3072)
expect("iW_DDF1EF07Info", lib.iW_DDF1EF07Info(None, photo), 0)
photo[0] = 0x0C
expect("iW_DDF1EF07Info(too long)", lib.iW_DDF1EF07Info(None, photo), 113)

expect("iW_DF03ED_ALLInfo", lib.iW_DF03ED_ALLInfo(None, 1, outpatient), 0)
expect("iW_DF03EF06Info", lib.iW_DF03EF06Info(None, 1), 0)
expect("iW_DF03EE_ALLInfo", lib.iW_DF03EE_ALLInfo(None, 1, inpatient), 0)
expect("iW_DF03EF05Info", lib.iW_DF03EF05Info(None, 1), 0)
expect("iW_DF03EF05Info(4)", lib.iW_DF03EF05Info(None, 4), 101)
b = ctypes.create_string_buffer(512)
expect("iW_DF03EDInfo(AN)", lib.iW_DF03EDInfo(None, 2, "协和".encode("gbk"), 0, 4, 0x01), 0)
expect("iW_DF03EDInfo(CN)", lib.iW_DF03EDInfo(None, 2, b"20261122", 80, 4, 0x0F), 0)
expect("iW_DF03EF06Info(2)", lib.iW_DF03EF06Info(None, 2), 0)
for key, start, length, style in (("ed2.an", 0, 4, 0x01), ("ed2.cn", 80, 4, 0x0F), ("ed2.b", 80, 4, 0xFF)):
    expect(key, lib.iR_DF03EDInfo(None, 2, b, start, length, style), 0)
    put(key, b.value)
expect("iR_DF03EDInfo(range)", lib.iR_DF03EDInfo(None, 2, b, 3000, 14, 0xFF), 101)
expect("iErase_DF03EF06Info", lib.iErase_DF03EF06Info(None, 2), 0)
expect("iW_DF03EEInfo(B)", lib.iW_DF03EEInfo(None, 2, b"01", 1066, 1, 0xFF), 0)
expect("iR_DF03EEInfo(NO)", lib.iR_DF03EEInfo(None, 2, b, 1066, 1, 0x00), 0)
put("ee2.no", b.value)
expect("iErase_DF03EF05Info", lib.iErase_DF03EF05Info(None, 2), 0)

for prefix, function, count in (("DDF1EF05", lib.iR_DDF1EF05Info, 10), ("DDF1EF06", lib.iR_DDF1EF06Info, 5),
                                ("DDF1EF08", lib.iR_DDF1EF08Info, 6), ("DF01EF05", lib.iR_DF01EF05Info, 4),
                                ("DF01EF06", lib.iR_DF01EF06Info, 9), ("DF01EF07", lib.iR_DF01EF07Info, 3),
                                ("DF01EF08", lib.iR_DF01EF08Info, 4), ("DF02EF05", lib.iR_DF02EF05Info, 15),
                                ("DF02EF06", lib.iR_DF02EF06Info, 1), ("DF03EF05", lib.iR_DF03EF05Info, 3),
                                ("DF03EF06", lib.iR_DF03EF06Info, 5)):
    for index, value in enumerate(read_into(prefix, function, count), start=1):
        put(f"{prefix}.{index}", value)
photo = ctypes.create_string_buffer(3072)
expect("iR_DDF1EF07Info", lib.iR_DDF1EF07Info(None, photo), 0)
put("DDF1EF07", photo.raw[:2 + (photo.raw[0] << 8 | photo.raw[1])].hex().upper())
for prefix, function, count in (("DF02EF07", lib.iR_DF02EF07Info, 3), ("DF02EF08", lib.iR_DF02EF08Info, 10)):
    for n in range(1, count + 1):
        first, second = read_into(prefix, function, 2, n)
        put(f"{prefix}.{n}.1", first)
        put(f"{prefix}.{n}.2", second)
expect("iR_DF02EF07Info(0)", lib.iR_DF02EF07Info(None, 0, b, b), 101)
everything = ctypes.create_string_buffer(8192)
expect("iR_DF03ED_ALLInfo", lib.iR_DF03ED_ALLInfo(None, 1, everything), 0)
put("ED01", everything.value)
expect("iR_DF03EE_ALLInfo", lib.iR_DF03EE_ALLInfo(None, 1, everything), 0)
put("EE01", everything.value)
expect("iR_DF03EEInfo(CN)", lib.iR_DF03EEInfo(None, 1, b, 80, 4, 0x0F), 0)
put("EE01.admissionDate", b.value)

expect("iChange_Pin", lib.iChange_Pin(0, b"123456", b"654321"), 0)
expect("iChange_Pin(back)", lib.iChange_Pin(0, b"654321", b"123456"), 0)
expect("iDClosePort", lib.iDClosePort(), 0)
expect("iR_DDF1EF06Info(closed)", lib.iR_DDF1EF06Info(None, b, N, N, N, N), 2)
put("lastError", lib.hcard_last_error())
device = lib.OpenDevice(0)
if not device:
    sys.exit(f"OpenDevice failed: {lib.hcard_last_error().decode()}")
number, city = ctypes.create_string_buffer(64), ctypes.create_string_buffer(64)
expect("iR_DDF1EF05Info(no SAM)", lib.iR_DDF1EF05Info(ctypes.c_void_p(device), N, N, N, N, N, N, number, N, N, city), 0)
put("noSAM.cardNumber", number.value)
put("noSAM.cityCode", city.value)
expect("iR_DDF1EF06Info(no SAM)", lib.iR_DDF1EF06Info(ctypes.c_void_p(device), b, N, N, N, N), 105)
expect("CloseDevice", lib.CloseDevice(ctypes.c_void_p(device)), 0)
