package io.keywarden.demo;

/** A failure the driver reports as one clear message (and a non-zero exit code), without a stack trace. */
final class DemoException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    DemoException(String message) {
        this(message, 1);
    }

    DemoException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
