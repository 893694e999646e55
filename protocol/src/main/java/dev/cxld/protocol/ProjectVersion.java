package dev.cxld.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The release both programs were built from: the {@code Implementation-Version} of the jar's manifest
 * when it has one (cxlctl's: the JVM has parsed that manifest already, where a resource lookup opens
 * the JDK's module image and the jar again, which a guest under emulation feels at every start),
 * else what Maven stamped into {@code build.properties}.
 */
public final class ProjectVersion {
    private ProjectVersion() {}

    /** The project version, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String get() {
        String manifest = ProjectVersion.class.getPackage().getImplementationVersion();
        if (manifest != null) {
            return manifest;
        }
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
