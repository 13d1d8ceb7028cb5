package io.keywarden.runtime;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Entry point of {@code keywarden.jar}: decides whether the Gogo console is interactive, then hands over to bnd's
 * embedded launcher (which starts Equinox and the bundles listed in keywarden.bndrun).
 *
 * <p>Equinox defaults {@code gosh.args} to {@code --nointeractive}, and an interactive Gogo shell stops the whole
 * framework when its input ends, so a runtime started in the background (stdin {@code /dev/null}, a pipe) would
 * either have no console or die at once. Here the console is interactive exactly when standard input is a terminal
 * ({@code gosh.args} empty: {@code exit 0} or Ctrl-D stop the runtime); otherwise {@code --nointeractive}. An
 * explicit {@code -Dgosh.args=...} wins. A framework stopped on purpose (console {@code exit 0}, Ctrl-D,
 * {@code stop 0}) makes bnd's launcher exit with its code 117 ("STOPPED").
 */
public final class Main {
    static final String GOSH_ARGS = "gosh.args";
    private static final String EMBEDDED_LAUNCHER = "aQute.launcher.pre.EmbeddedLauncher";

    private Main() {}

    public static void main(String[] args) throws Throwable {
        if (System.getProperty(GOSH_ARGS) == null) {
            System.setProperty(GOSH_ARGS, stdinIsTerminal() ? "" : "--nointeractive");
        }
        try {
            Class.forName(EMBEDDED_LAUNCHER).getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /**
     * True when standard input is a terminal. {@link System#console()} says so only when stdout is one too, so on
     * Linux the link behind file descriptor 0 decides; elsewhere the console check is the best there is.
     */
    static boolean stdinIsTerminal() {
        Path fd0 = Path.of("/proc/self/fd/0");
        if (Files.isSymbolicLink(fd0)) {
            try {
                String target = Files.readSymbolicLink(fd0).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
            } catch (IOException | SecurityException e) {
                // fall through
            }
        }
        return System.console() != null;
    }
}
