package dev.cxld.daemon.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AccessTest {
    final Access cxl = new Access("cxl", OptionalLong.of(990));

    static Peer peer(long uid, long gid, Set<Long> groups) {
        return new Peer(uid, gid, 4242, groups, "alice", null, "cxlctl");
    }

    @Test
    void rootAndTheAdminGroupMayChangeThings() {
        assertThat(cxl.mayChange(peer(0, 0, Set.of()))).isTrue();
        assertThat(cxl.mayChange(peer(1000, 990, Set.of()))).as("primary group").isTrue();
        assertThat(cxl.mayChange(peer(1000, 1000, Set.of(27L, 990L)))).as("supplementary group").isTrue();
    }

    @Test
    void everyoneElseMayOnlyRead() {
        assertThat(cxl.mayChange(peer(1000, 1000, Set.of(27L)))).isFalse();
        assertThat(cxl.mayChange(Peer.UNKNOWN)).isFalse();
        assertThat(cxl.denial(peer(1000, 1000, Set.of()), "disable-memdev", java.util.List.of("hello", "list"))).isEqualTo(
                "disable-memdev changes the system: it needs root or membership in group cxl; alice (uid 1000,"
                        + " pid 4242 cxlctl) may only use the operations that read: hello, list. To be allowed: usermod -aG cxl"
                        + " USER (then log in again), or sudo");
    }

    @Test
    void withoutTheGroupOnlyRootMay() {
        Access none = new Access("cxl", OptionalLong.empty());
        assertThat(none.mayChange(peer(0, 0, Set.of()))).isTrue();
        assertThat(none.mayChange(peer(1000, 990, Set.of(990L)))).isFalse();
        assertThat(none.denial(peer(1000, 990, Set.of()), "enable-memdev", java.util.List.of("list"))).contains("(which does not exist on this host)");
    }
}
