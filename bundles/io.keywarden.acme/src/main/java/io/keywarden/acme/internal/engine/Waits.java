package io.keywarden.acme.internal.engine;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import io.keywarden.api.enrollment.CertificateRecord;
import io.keywarden.api.enrollment.EnrollmentException;
import io.keywarden.api.enrollment.EnrollmentStatus;

/** Waiting for an enrollment as a blocking API must: bounded, and saying why when it gives up. */
public final class Waits {
    private Waits() {}

    public static CertificateRecord await(
            String deviceId,
            CompletableFuture<CertificateRecord> f,
            Duration timeout,
            Supplier<EnrollmentStatus> status)
            throws EnrollmentException {
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof EnrollmentException
                    ? (EnrollmentException) c
                    : new EnrollmentException(deviceId + ": " + c, c, false);
        } catch (TimeoutException e) {
            throw new EnrollmentException(
                    deviceId + ": not done after " + timeout.toSeconds() + " s, " + status.get()
                            + " (it goes on in the background)",
                    e,
                    true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EnrollmentException(deviceId + ": interrupted", e, true);
        }
    }
}
