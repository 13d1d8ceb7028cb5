package io.keywarden.monitor.internal.report;

/** A report or policy document that is not valid JSON or does not follow its schema; the message says where. */
public class ReportException extends Exception {
    private static final long serialVersionUID = 1L;

    public ReportException(String message) {
        super(message);
    }
}
