package dev.cxld.daemon.nativeio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SCM_RIGHTS over a real Unix socket of this process: the descriptor that arrives is the file sent. */
class FdPassingTest {
    @TempDir Path tmp;

    @Test
    void aDescriptorTravelsWithTheLineAndCxldsOwnIsClosedAfter() throws Exception {
        assertThat(FdPassing.available()).as("surefire passes --add-opens java.base/sun.nio.ch").isTrue();
        Path file = tmp.resolve("dax9.0");
        Files.writeString(file, "device memory");
        Path sock = tmp.resolve("s");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(sock));
                    SocketChannel accepted = server.accept()) {
                byte[] line = "{\"id\":1,\"ok\":true}\n".getBytes(StandardCharsets.UTF_8);
                PassedFile passed = PassedFile.open(file);
                int sent = FdPassing.send(accepted, line, passed);
                passed.close();
                passed.close(); // a second close does nothing
                assertThat(sent).isEqualTo(line.length);

                FdPassing.Received r = FdPassing.receive(client, 4096);
                assertThat(new String(r.bytes(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":1,\"ok\":true}\n");
                assertThat(r.fds()).hasSize(1);
                Path proc = Path.of("/proc/self/fd/" + r.fds()[0]);
                assertThat(Files.readSymbolicLink(proc)).as("the same file, though cxld closed its own").isEqualTo(file);
                assertThat(Files.readString(proc)).isEqualTo("device memory");
                FdPassing.closeDescriptor(r.fds()[0]);
                assertThat(Files.exists(proc)).isFalse();

                // a plain line carries none
                accepted.write(java.nio.ByteBuffer.wrap("x\n".getBytes(StandardCharsets.UTF_8)));
                FdPassing.Received plain = FdPassing.receive(client, 4096);
                assertThat(plain.fds()).isEmpty();
                assertThat(new String(plain.bytes(), StandardCharsets.UTF_8)).isEqualTo("x\n");
            }
        }
    }

    @Test
    void aFileThatCannotBeOpenedNamesItselfAndTheErrno() {
        assertThatThrownBy(() -> PassedFile.open(tmp.resolve("dax9.9")))
                .isInstanceOf(ErrnoException.class)
                .satisfies(e -> assertThat(((ErrnoException) e).errnoName()).isEqualTo("ENOENT"))
                .hasMessageContaining("open " + tmp.resolve("dax9.9"));
    }

    @Test
    void aClosedFileCannotBeSent() throws Exception {
        Path file = tmp.resolve("f");
        Files.writeString(file, "x");
        PassedFile passed = PassedFile.open(file);
        passed.close();
        assertThatThrownBy(passed::fd).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed already");
    }
}
