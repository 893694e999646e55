package dev.cxld.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProjectVersionTest {
    @Test
    void versionIsStampedByTheBuild() {
        assertThat(ProjectVersion.get()).matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    }
}
