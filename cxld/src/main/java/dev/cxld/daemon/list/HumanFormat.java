package dev.cxld.daemon.list;

import java.math.BigInteger;

/** ndctl's {@code -u} number formats (util/json.c display_size and display_hex). */
final class HumanFormat {
    private static final BigInteger TWO_HUNDRED = BigInteger.valueOf(200);

    private HumanFormat() {}

    /**
     * {@code "512.00 MiB (536.87 MB)"}: MiB below 2 GiB, GiB below 2 TiB, else TiB; with the decimal
     * unit after it. Values below 5000 KiB are not formatted ({@code null}: print the number).
     */
    static String size(long bytes) {
        BigInteger b = new BigInteger(Long.toUnsignedString(bytes));
        if (b.compareTo(BigInteger.valueOf(5000L * 1024)) < 0) {
            return null;
        }
        String iec;
        String jedec;
        if (b.compareTo(BigInteger.valueOf(2L << 30)) < 0) {
            iec = centi(b, BigInteger.ONE.shiftLeft(20), "MiB");
            jedec = centiDecimal(b, 1_000_000L, "MB");
        } else if (b.compareTo(BigInteger.valueOf(2L << 40)) < 0) {
            iec = centi(b, BigInteger.ONE.shiftLeft(30), "GiB");
            jedec = centiDecimal(b, 1_000_000_000L, "GB");
        } else {
            iec = centi(b, BigInteger.ONE.shiftLeft(40), "TiB");
            jedec = centiDecimal(b, 1_000_000_000_000L, "TB");
        }
        return iec + " (" + jedec + ")";
    }

    /** {@code "%#llx"}: {@code "0x490000000"}, and {@code "0"} for zero. */
    static String hex(long value) {
        return value == 0 ? "0" : "0x" + Long.toHexString(value);
    }

    // (bytes * 200 / unit + 1) / 2, printed as units with two decimals
    private static String centi(BigInteger bytes, BigInteger unit, String name) {
        BigInteger c = bytes.multiply(TWO_HUNDRED).divide(unit).add(BigInteger.ONE).shiftRight(1);
        return twoDecimals(c) + " " + name;
    }

    // (bytes / (unit / 200) + 1) / 2
    private static String centiDecimal(BigInteger bytes, long unit, String name) {
        BigInteger c = bytes.divide(BigInteger.valueOf(unit / 200)).add(BigInteger.ONE).shiftRight(1);
        return twoDecimals(c) + " " + name;
    }

    private static String twoDecimals(BigInteger centi) {
        BigInteger[] qr = centi.divideAndRemainder(BigInteger.valueOf(100));
        return qr[0] + "." + String.format("%02d", qr[1].intValue());
    }
}
