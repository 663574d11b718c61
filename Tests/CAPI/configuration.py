#!/usr/bin/env python3
"""The configuration of libhcard.so (Docs/c-api.md "Configuration"), through ctypes, with the
virtual card and SAM of `hcard emulate` in their readers. Each case runs in a fresh process,
because the configuration is read when the port opens from the process's environment.

    configuration.py LIBHCARD"""
import ctypes
import os
import subprocess
import sys
import tempfile

LIBRARY = sys.argv[1]


def child(environment, script):
    """Runs `script` (Python with `lib` loaded) with extra environment; returns its stdout."""
    code = (f"import ctypes\nlib = ctypes.CDLL({LIBRARY!r})\nlib.hcard_last_error.restype = ctypes.c_char_p\n"
            "lib.SendAPDU.restype = ctypes.c_uint32\n"
            "lib.SendAPDU.argtypes = [ctypes.c_void_p, ctypes.c_ubyte, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_void_p,"
            " ctypes.POINTER(ctypes.c_int)]\n" + script)
    env = {k: v for k, v in os.environ.items() if not k.startswith("HCARD_")}
    env.update(environment)
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"configuration.py: {environment}: {run.stderr}")
    return run.stdout.strip()


failures = []


checks = 0


def expect(name, got, wanted):
    global checks
    checks += 1
    if got != wanted:
        failures.append(f"{name}: got {got!r}, expected {wanted!r}")


OPEN = "print(lib.iDOpenPort(), lib.hcard_last_error().decode())"
expect("default: 0", child({}, OPEN), "0")
expect("open_port_returns=handle: 1", child({"HCARD_OPEN_PORT_RETURNS": "handle"}, OPEN), "1")
expect("bad value: 1 naming the variable", child({"HCARD_CHUNK": "0"}, OPEN).split(" ")[0:2], ["1", "iDOpenPort:"])
expect("bad value named", "HCARD_CHUNK: chunk: '0'" in child({"HCARD_CHUNK": "0"}, OPEN), True)
with tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False) as config:
    config.write("# libhcard.so\nchunk = 0x80\ncolour = blue\n")
expect("config file: unknown key at its line", f"{config.name}:3: unknown key 'colour'" in
       child({"HCARD_CONFIG": config.name}, OPEN), True)
with open(config.name, "w") as rewritten:
    rewritten.write("reader = Virtual PCD 00 00\nsam_reader = 00 01\npsam_slot = 3\n")
expect("config file: readers and slot 3", child({"HCARD_CONFIG": config.name}, OPEN + """
atr = ctypes.create_string_buffer(64)
print(lib.PowerOn(None, 3, atr), lib.PowerOn(None, 0x11, atr), lib.iVerifyPIN(None, b"123456"), lib.PowerOn(None, 1, atr))
"""), "0 \n0 101 0 0")
expect("environment wins over the file", child({"HCARD_CONFIG": config.name, "HCARD_READER": "no such reader"}, OPEN + """
print(lib.PowerOn(None, 1, ctypes.create_string_buffer(64)))
"""), "0 \n1")
os.unlink(config.name)

APDU = """
response, length = ctypes.create_string_buffer(258), ctypes.c_int(0)
lib.iDOpenPort(); lib.PowerOn(None, 1, None)
for command in ("00A4000002DDF1", "00A4000002ABCD"):
    data = bytes.fromhex(command)
    print(hex(lib.SendAPDU(None, 1, data, len(data), response, ctypes.byref(length))), end=" ")
"""
expect("send_apdu_returns=status", child({}, APDU), "0x0 0x0")
expect("send_apdu_returns=sw", child({"HCARD_SEND_APDU_RETURNS": "sw"}, APDU), "0x9000 0x6a82")

for line in failures:
    print("MISMATCH", line)
print(f"configuration: {checks} cases, {len(failures)} failed")
sys.exit(1 if failures else 0)
