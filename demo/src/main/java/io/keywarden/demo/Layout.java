package io.keywarden.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** Where things are: the repository (home), the runtime jar, the demo's work directories. */
public final class Layout {
    /** Set by ./keywarden; otherwise derived from the location of this jar (demo/target/keywarden-demo.jar). */
    static final String HOME_PROPERTY = "keywarden.home";

    final Path home;

    private Layout(Path home) {
        this.home = home.toAbsolutePath().normalize();
    }

    static Layout detect() {
        String prop = System.getProperty(HOME_PROPERTY);
        if (prop != null && !prop.isBlank()) {
            return new Layout(Path.of(prop));
        }
        try {
            Path self = Path.of(Layout.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            // demo/target/keywarden-demo.jar or demo/target/classes
            Path target = self.getParent();
            if (target != null
                    && target.getParent() != null
                    && target.getParent().getParent() != null) {
                Path home = target.getParent().getParent();
                if (Files.isDirectory(home.resolve("runtime"))) {
                    return new Layout(home);
                }
            }
        } catch (URISyntaxException | RuntimeException e) {
            // fall through to the working directory
        }
        return new Layout(Path.of(""));
    }

    Path runtimeJar() {
        String prop = System.getProperty("keywarden.runtime.jar");
        return prop != null ? Path.of(prop).toAbsolutePath() : home.resolve("runtime/target/keywarden.jar");
    }

    public Path requireRuntimeJar() {
        Path jar = runtimeJar();
        if (!Files.isRegularFile(jar)) {
            throw new DemoException("the runtime is not built: " + jar + " is missing (run `mvn -DskipTests install` "
                    + "in " + home + ", or use ./keywarden, which builds it)");
        }
        return jar;
    }

    /** {@code .demo/} under the repository (git-ignored), wiped by every demo and bench run. */
    Path demoDir() {
        return home.resolve(".demo");
    }

    /** {@code keywarden-data/} under the repository (git-ignored): etc/ and data/ of {@code run}. */
    public Path runDir() {
        return home.resolve("keywarden-data");
    }

    static void wipe(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot wipe " + dir, e);
        }
    }
}
