/**
 * The only package that uses JNA: libc bindings (open, write, ioctl, getsockopt, netlink), the
 * memdev ioctls ({@code MemdevDevice}), peer credentials, group lookups, errno names. Thin wrappers
 * that keep the errno as a number ({@code ErrnoException}).
 */
package dev.cxld.daemon.nativeio;
