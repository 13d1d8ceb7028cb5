package io.keywarden.demo;

/** A failure the driver reports as one clear message (and a non-zero exit code), without a stack trace. */
public final class DemoException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    public DemoException(String message) {
        this(message, 1);
    }

    public DemoException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
