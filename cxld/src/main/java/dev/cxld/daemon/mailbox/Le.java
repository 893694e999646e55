package dev.cxld.daemon.mailbox;

import java.nio.charset.StandardCharsets;

/**
 * Little-endian fields of a mailbox payload. A field that lies past the end of the payload (a
 * device of an older spec revision answers shorter) reads as {@code null}, never as garbage.
 */
final class Le {
    private final byte[] b;

    Le(byte[] b) {
        this.b = b;
    }

    int length() {
        return b.length;
    }

    boolean has(int off, int size) {
        return off + size <= b.length;
    }

    Integer u8(int off) {
        return has(off, 1) ? b[off] & 0xff : null;
    }

    Integer u16(int off) {
        return has(off, 2) ? (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 : null;
    }

    Integer s16(int off) {
        return has(off, 2) ? (int) (short) ((b[off] & 0xff) | (b[off + 1] & 0xff) << 8) : null;
    }

    Integer u24(int off) {
        return has(off, 3) ? (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 : null;
    }

    Long u32(int off) {
        return has(off, 4) ? (long) (b[off] & 0xff) | (long) (b[off + 1] & 0xff) << 8
                | (long) (b[off + 2] & 0xff) << 16 | (long) (b[off + 3] & 0xff) << 24 : null;
    }

    Long u64(int off) {
        if (!has(off, 8)) {
            return null;
        }
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = v << 8 | (b[off + i] & 0xff);
        }
        return v;
    }

    /** Fixed-size text up to its first NUL ("%.16s"). */
    String text(int off, int size) {
        if (!has(off, size)) {
            return null;
        }
        int end = off;
        while (end < off + size && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.US_ASCII);
    }

    /** A 16-byte UUID in the byte order the spec stores it (as printed by the kernel's %pUb). */
    String uuid(int off) {
        if (!has(off, 16)) {
            return null;
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            if (i == 4 || i == 6 || i == 8 || i == 10) {
                s.append('-');
            }
            s.append(String.format("%02x", b[off + i] & 0xff));
        }
        return s.toString();
    }
}
