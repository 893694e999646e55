/**
 * One snapshot of the kernel's CXL topology, as immutable records named after the kernel's sysfs
 * objects (shared/docs/kernel-abi.md §3). A field the running kernel does not provide is
 * {@code null}, never zero; a field whose attribute could not be read or parsed is {@code null}
 * too, and the object's {@code errors} say which file and why. u64 values are {@code long}s with
 * the kernel's bits (read them with {@link java.lang.Long#toUnsignedString(long)}).
 */
package dev.cxld.protocol.model;
