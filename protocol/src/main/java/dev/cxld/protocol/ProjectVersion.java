package dev.cxld.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The release both programs were built from, as Maven stamped it into {@code build.properties}. */
public final class ProjectVersion {
    private ProjectVersion() {}

    /** The project version, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String get() {
        try (InputStream in = ProjectVersion.class.getResourceAsStream("build.properties")) {
            if (in == null) {
                throw new IllegalStateException("build.properties is missing from the protocol jar");
            }
            Properties props = new Properties();
            props.load(in);
            String version = props.getProperty("version");
            if (version == null || version.startsWith("${")) {
                throw new IllegalStateException("build.properties was not filtered by Maven: " + version);
            }
            return version;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read build.properties", e);
        }
    }
}
