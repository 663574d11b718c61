// The vendor call order of vendor_order.c through Java and JNA (Debian's libjna-java), as a
// Java HIS would load libhcard.so: same calls, same `name<TAB>value` output for compare.py.
//
//   java -Djna.library.path=PREFIX/lib -cp /usr/share/java/jna.jar:. VendorOrder OUTPATIENT.txt INPATIENT.txt
import com.sun.jna.NativeLibrary;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Arrays;

public class VendorOrder {
    static final NativeLibrary LIB = NativeLibrary.getInstance("hcard");
    static final Charset GBK = Charset.forName("GBK");
    static final PrintStream OUT = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false);

    static int call(String name, Object... args) { return LIB.getFunction(name).invokeInt(args); }

    static String lastError() { return LIB.getFunction("hcard_last_error").invokeString(new Object[0], false); }

    static void expect(String what, int got, int wanted) {
        if (got != wanted) {
            System.err.println(what + " returned " + got + ", expected " + wanted + ": " + lastError());
            System.exit(1);
        }
    }

    /** A NUL-terminated argument in the API's bytes. */
    static byte[] c(String text) { return cz(text.getBytes(GBK)); }

    static byte[] cz(byte[] bytes) { return Arrays.copyOf(bytes, bytes.length + 1); }

    static byte[][] buffers(int n) {
        byte[][] b = new byte[n][];
        for (int i = 0; i < n; i++) b[i] = new byte[512];
        return b;
    }

    /** The C string in a buffer, as its bytes. */
    static byte[] z(byte[] buffer) {
        int end = 0;
        while (end < buffer.length && buffer[end] != 0) end++;
        return Arrays.copyOf(buffer, end);
    }

    static void put(String name, byte[] value) {
        OUT.write(name.getBytes(GBK), 0, name.length());
        OUT.write('\t');
        OUT.write(value, 0, value.length);
        OUT.write('\n');
    }

    static void put(String name, String value) { put(name, value.getBytes(GBK)); }

    static String hex(byte[] bytes, int count) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < count; i++) s.append(String.format("%02X", bytes[i] & 0xFF));
        return s.toString();
    }

    static void readInto(String prefix, String function, int count, Object... leading) {
        byte[][] b = buffers(count);
        Object[] args = new Object[1 + leading.length + count];
        args[0] = Pointer.NULL;
        System.arraycopy(leading, 0, args, 1, leading.length);
        System.arraycopy(b, 0, args, 1 + leading.length, count);
        expect(function, call(function, args), 0);
        for (int i = 0; i < count; i++) put(prefix + "." + (i + 1), z(b[i]));
    }

    public static void main(String[] argv) throws Exception {
        byte[] outpatient = cz(new String(Files.readAllBytes(Paths.get(argv[0])), "ISO-8859-1").trim().getBytes("ISO-8859-1"));
        byte[] inpatient = cz(new String(Files.readAllBytes(Paths.get(argv[1])), "ISO-8859-1").trim().getBytes("ISO-8859-1"));
        String slot = System.getenv("HCARD_PSAM_SLOT");
        int psam = slot == null ? 0x11 : Integer.decode(slot);
        Pointer h = Pointer.NULL;
        byte[] atr = new byte[64];

        put("version", LIB.getFunction("hcard_version").invokeString(new Object[0], false));
        expect("iDOpenPort", call("iDOpenPort"), 0);
        expect("PowerOn(PSAM)", call("PowerOn", h, psam, atr), 0);
        put("samATR", z(atr));
        expect("PowerOn(0x42)", call("PowerOn", h, 0x42, atr), 101);
        expect("iVerifyPIN(odd)", call("iVerifyPIN", h, c("12345")), 101);
        expect("iVerifyPIN", call("iVerifyPIN", h, c("123456")), 0);
        expect("PowerOn(USER)", call("PowerOn", h, 1, atr), 0);
        put("cardATR", z(atr));

        byte[] info = new byte[256];
        for (String[] f : new String[][] {{"samPublic", "iReader_SAM_Public"}, {"samTerminal", "iReader_SAM_Terminal"},
                                          {"samPublicApp", "iReader_SAM_PublicApp"}}) {
            expect(f[1], call(f[1], 0, info), 0);
            put(f[0], z(info));
        }
        expect("iReader_SAM_OrgCertificate", call("iReader_SAM_OrgCertificate", 0, info), 0);
        put("samOrgCertificate", hex(info, 180));
        expect("iReader_SAM_Certificate", call("iReader_SAM_Certificate", 0, info), 0);
        put("samCertificate", hex(info, 190));
        byte[] digest = new byte[32], digestLength = {32}, signature = new byte[64], signatureLength = {64};
        expect("SM3Digest", call("SM3Digest", h, "abc".getBytes(GBK), 3, digest, digestLength), 0);
        put("sm3abc", hex(digest, digestLength[0] & 0xFF));
        expect("SM2SignHash", call("SM2SignHash", h, digest, (byte) 32, signature, signatureLength), 0);
        put("sm2SignatureLength", String.valueOf(signatureLength[0] & 0xFF));

        byte[] response = new byte[258];
        int[] responseLength = new int[1];
        byte[] selectDDF1 = {0x00, (byte) 0xA4, 0x00, 0x00, 0x02, (byte) 0xDD, (byte) 0xF1};
        expect("SendAPDU(card)", call("SendAPDU", h, (byte) 1, selectDDF1, new NativeLong(7), response, responseLength), 0);
        put("apduCard", hex(response, responseLength[0] + 2));
        byte[] selectMF = {0x00, (byte) 0xA4, 0x00, 0x00, 0x02, 0x3F, 0x00};
        expect("SendAPDU(SAM)", call("SendAPDU", h, (byte) psam, selectMF, new NativeLong(7), response, responseLength), 0);
        put("apduSAM", hex(response, responseLength[0] + 2));

        Object N = null;
        expect("iW_DDF1EF05Info", call("iW_DDF1EF05Info", h, c("2"), N, N, N, N, N, N, N, N, N), 108);
        expect("iW_DDF1EF06Info", call("iW_DDF1EF06Info", h, N, N, N, N, c("110105194912310021")), 108);
        expect("iW_DDF1EF08Info(bad cn)", call("iW_DDF1EF08Info", h, c("2030123X"), N, N, N, N, N), 101);
        expect("iW_DDF1EF08Info", call("iW_DDF1EF08Info", h, c("20301231"), c("13800138000"), c("010-65295114"), c("01"), N, c("03")), 0);
        expect("iW_DF01EF05Info", call("iW_DF01EF05Info", h, c("1"), c("北京市东城区"), c("2"), c("上海市")), 0);
        expect("iW_DF01EF06Info", call("iW_DF01EF06Info", h, c("李四"), c("10"), c("13900139000"), N, N, N, N, N, N), 0);
        expect("iW_DF01EF07Info", call("iW_DF01EF07Info", h, c("10"), c("20"), c("X01")), 0);
        expect("iW_DF01EF08Info", call("iW_DF01EF08Info", h, c("01"), c("11010519491231002X"), c("HR2026000000001"), c("")), 0);
        expect("iW_DF02EF05Info", call("iW_DF02EF05Info", h, c("03"), c("1F"), c("01"), c("00"), N, N, N, c("01"), N, N, N, N,
                                       N, N, c("青霉素")), 0);
        expect("iW_DF02EF06Info", call("iW_DF02EF06Info", h, c("00")), 0);
        expect("iW_DF02EF07Info", call("iW_DF02EF07Info", h, c("青霉素"), c("皮疹")), 0);
        expect("iW_DF02EF08Info", call("iW_DF02EF08Info", h, c("乙肝疫苗"), c("20200506")), 0);
        byte[] photo = new byte[3072];
        byte[] jpeg = {0, 6, (byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, (byte) 0xFF, (byte) 0xD9};
        System.arraycopy(jpeg, 0, photo, 0, jpeg.length);
        expect("iW_DDF1EF07Info", call("iW_DDF1EF07Info", h, photo), 0);
        photo[0] = 0x0C;
        expect("iW_DDF1EF07Info(too long)", call("iW_DDF1EF07Info", h, photo), 113);

        expect("iW_DF03ED_ALLInfo", call("iW_DF03ED_ALLInfo", h, 1, outpatient), 0);
        expect("iW_DF03EF06Info", call("iW_DF03EF06Info", h, 1), 0);
        expect("iW_DF03EE_ALLInfo", call("iW_DF03EE_ALLInfo", h, 1, inpatient), 0);
        expect("iW_DF03EF05Info", call("iW_DF03EF05Info", h, 1), 0);
        expect("iW_DF03EF05Info(4)", call("iW_DF03EF05Info", h, 4), 101);
        byte[] b = new byte[512];
        expect("iW_DF03EDInfo(AN)", call("iW_DF03EDInfo", h, 2, c("协和"), 0, 4, 0x01), 0);
        expect("iW_DF03EDInfo(CN)", call("iW_DF03EDInfo", h, 2, c("20261122"), 80, 4, 0x0F), 0);
        expect("iW_DF03EF06Info(2)", call("iW_DF03EF06Info", h, 2), 0);
        Object[][] positional = {{"ed2.an", 0, 4, 0x01}, {"ed2.cn", 80, 4, 0x0F}, {"ed2.b", 80, 4, 0xFF}};
        for (Object[] p : positional) {
            expect((String) p[0], call("iR_DF03EDInfo", h, 2, b, p[1], p[2], p[3]), 0);
            put((String) p[0], z(b));
        }
        expect("iR_DF03EDInfo(range)", call("iR_DF03EDInfo", h, 2, b, 3000, 14, 0xFF), 101);
        expect("iErase_DF03EF06Info", call("iErase_DF03EF06Info", h, 2), 0);
        expect("iW_DF03EEInfo(B)", call("iW_DF03EEInfo", h, 2, c("01"), 1066, 1, 0xFF), 0);
        expect("iR_DF03EEInfo(NO)", call("iR_DF03EEInfo", h, 2, b, 1066, 1, 0x00), 0);
        put("ee2.no", z(b));
        expect("iErase_DF03EF05Info", call("iErase_DF03EF05Info", h, 2), 0);

        Object[][] files = {{"DDF1EF05", "iR_DDF1EF05Info", 10}, {"DDF1EF06", "iR_DDF1EF06Info", 5},
            {"DDF1EF08", "iR_DDF1EF08Info", 6}, {"DF01EF05", "iR_DF01EF05Info", 4}, {"DF01EF06", "iR_DF01EF06Info", 9},
            {"DF01EF07", "iR_DF01EF07Info", 3}, {"DF01EF08", "iR_DF01EF08Info", 4}, {"DF02EF05", "iR_DF02EF05Info", 15},
            {"DF02EF06", "iR_DF02EF06Info", 1}, {"DF03EF05", "iR_DF03EF05Info", 3}, {"DF03EF06", "iR_DF03EF06Info", 5}};
        for (Object[] f : files) readInto((String) f[0], (String) f[1], (Integer) f[2]);
        Arrays.fill(photo, (byte) 0);
        expect("iR_DDF1EF07Info", call("iR_DDF1EF07Info", h, photo), 0);
        put("DDF1EF07", hex(photo, 2 + ((photo[0] & 0xFF) << 8 | (photo[1] & 0xFF))));
        for (int n = 1; n <= 3; n++) readInto("DF02EF07." + n, "iR_DF02EF07Info", 2, n);
        for (int n = 1; n <= 10; n++) readInto("DF02EF08." + n, "iR_DF02EF08Info", 2, n);
        expect("iR_DF02EF07Info(0)", call("iR_DF02EF07Info", h, 0, b, b), 101);
        byte[] all = new byte[8192];
        expect("iR_DF03ED_ALLInfo", call("iR_DF03ED_ALLInfo", h, 1, all), 0);
        put("ED01", z(all));
        expect("iR_DF03EE_ALLInfo", call("iR_DF03EE_ALLInfo", h, 1, all), 0);
        put("EE01", z(all));
        expect("iR_DF03EEInfo(CN)", call("iR_DF03EEInfo", h, 1, b, 80, 4, 0x0F), 0);
        put("EE01.admissionDate", z(b));

        expect("iChange_Pin", call("iChange_Pin", 0, c("123456"), c("654321")), 0);
        expect("iChange_Pin(back)", call("iChange_Pin", 0, c("654321"), c("123456")), 0);
        expect("iDClosePort", call("iDClosePort"), 0);
        expect("iR_DDF1EF06Info(closed)", call("iR_DDF1EF06Info", h, b, N, N, N, N), 2);
        put("lastError", lastError());
        Pointer device = LIB.getFunction("OpenDevice").invokePointer(new Object[] {0});
        if (device == null) { System.err.println("OpenDevice failed: " + lastError()); System.exit(1); }
        byte[] number = new byte[64], city = new byte[64];
        expect("iR_DDF1EF05Info(no SAM)", call("iR_DDF1EF05Info", device, N, N, N, N, N, N, number, N, N, city), 0);
        put("noSAM.cardNumber", z(number));
        put("noSAM.cityCode", z(city));
        expect("iR_DDF1EF06Info(no SAM)", call("iR_DDF1EF06Info", device, b, N, N, N, N), 105);
        expect("CloseDevice", call("CloseDevice", device), 0);
        OUT.flush();
    }
}
