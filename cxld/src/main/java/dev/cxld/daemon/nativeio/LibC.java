package dev.cxld.daemon.nativeio;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

/**
 * The few libc calls cxld needs, bound through JNA. Every call that sets errno declares
 * {@link LastErrorException}, so errno is captured by JNA right after the call, on the calling
 * thread, before anything else can overwrite it. Sizes assume LP64 Linux (x86-64, arm64): size_t,
 * ssize_t and unsigned long are Java longs; {@link #INSTANCE} refuses anything else.
 */
interface LibC extends Library {
    LibC INSTANCE = load();

    int O_RDONLY = 0;
    int O_WRONLY = 1;
    int O_RDWR = 2;
    int O_CLOEXEC = 0x80000;

    int AF_UNIX = 1;
    int AF_NETLINK = 16;
    int SOCK_DGRAM = 2;
    int SOCK_CLOEXEC = 0x80000;
    int NETLINK_KOBJECT_UEVENT = 15;
    int SOL_SOCKET = 1;
    int SO_RCVBUF = 8;
    int SO_PEERCRED = 17;
    int SO_RCVBUFFORCE = 33;
    int SCM_RIGHTS = 1;
    int MSG_NOSIGNAL = 0x4000;
    int MSG_CMSG_CLOEXEC = 0x40000000;
    short POLLIN = 0x1;

    private static LibC load() {
        if (Native.LONG_SIZE != 8 || Native.POINTER_SIZE != 8) {
            throw new UnsupportedOperationException("cxld's native layer supports 64-bit Linux only");
        }
        return Native.load("c", LibC.class);
    }

    int open(String path, int flags) throws LastErrorException;

    long write(int fd, byte[] buf, long count) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    long read(int fd, Pointer buf, long count) throws LastErrorException;

    int inotify_init1(int flags) throws LastErrorException;

    int inotify_add_watch(int fd, String path, int mask) throws LastErrorException;

    int inotify_rm_watch(int fd, int wd) throws LastErrorException;

    int ioctl(int fd, long request, Pointer arg) throws LastErrorException;

    int socket(int domain, int type, int protocol) throws LastErrorException;

    int bind(int fd, Pointer addr, int len) throws LastErrorException;

    int setsockopt(int fd, int level, int name, IntByReference value, int len) throws LastErrorException;

    int getsockopt(int fd, int level, int name, Pointer value, IntByReference len) throws LastErrorException;

    long recvfrom(int fd, Pointer buf, long len, int flags, Pointer from, IntByReference fromLen)
            throws LastErrorException;

    long sendmsg(int fd, Pointer msghdr, int flags) throws LastErrorException;

    long recvmsg(int fd, Pointer msghdr, int flags) throws LastErrorException;

    int poll(Pointer fds, long nfds, int timeoutMs) throws LastErrorException;

    long sendto(int fd, byte[] buf, long len, int flags, Pointer addr, int addrLen) throws LastErrorException;

    int dup2(int oldFd, int newFd) throws LastErrorException;

    int fcntl(int fd, int cmd, int arg) throws LastErrorException;

    int getpid();

    /** Not reentrant: called once, at start-up, from {@link Groups}. */
    Pointer getgrnam(String name);

    /** {@code struct passwd *getpwnam(const char *)}; the result is the C library's static buffer. */
    Pointer getpwnam(String name);
}
