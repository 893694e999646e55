package dev.cxld.daemon.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cxld.daemon.nativeio.PeerCredentials;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SO_PEERCRED of a real connection from this very process. */
class PeerReaderTest {
    @TempDir Path tmp;

    @Test
    void thePeerIsThisProcessWithItsIdsAndGroups() throws IOException {
        assertThat(PeerCredentials.available()).as("surefire passes --add-opens java.base/sun.nio.ch").isTrue();
        Path sock = tmp.resolve("s");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(sock));
                    SocketChannel accepted = server.accept()) {
                Peer p = new PeerReader(Path.of("/proc")).read(accepted);
                String status = Files.readString(Path.of("/proc/self/status"));
                assertThat(p.pid()).isEqualTo(ProcessHandle.current().pid());
                assertThat(status).contains("\nUid:\t" + p.uid() + "\t");
                assertThat(status).contains("\nGid:\t" + p.gid() + "\t");
                assertThat(p.user()).isEqualTo(System.getProperty("user.name"));
                assertThat(p.comm()).isEqualTo(status.lines().filter(l -> l.startsWith("Name:")).findFirst()
                        .orElseThrow().substring(5).strip());
                String groups = status.lines().filter(l -> l.startsWith("Groups:")).findFirst().orElseThrow();
                for (String g : groups.substring(7).strip().split("\\s+")) {
                    if (!g.isEmpty()) {
                        assertThat(p.groups()).contains(Long.parseLong(g));
                    }
                }
                assertThat(p.describe()).startsWith(p.user() + " (uid " + p.uid() + ", pid " + p.pid());
            }
        }
    }

    @Test
    void aPidThatNowBelongsToAnotherUserYieldsNoGroups() throws IOException {
        // a /proc whose process of that pid has another uid: the pid was reused
        Path proc = tmp.resolve("proc");
        Path sock = tmp.resolve("s2");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(sock));
                    SocketChannel accepted = server.accept()) {
                long pid = ProcessHandle.current().pid();
                Files.createDirectories(proc.resolve(Long.toString(pid)));
                Files.writeString(proc.resolve(pid + "/status"), "Name:\tother\nUid:\t4242\t4242\t4242\t4242\nGroups:\t990\n");
                Peer p = new PeerReader(proc).read(accepted);
                assertThat(p.groups()).isEmpty();
                assertThat(p.comm()).isNull();
                assertThat(p.pid()).isEqualTo(pid);
            }
        }
    }
}
