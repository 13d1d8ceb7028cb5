package io.keywarden.acme.internal.client;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;

import org.junit.jupiter.api.Test;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeLazyLoadingException;
import org.shredzone.acme4j.exception.AcmeNetworkException;

import io.keywarden.api.enrollment.EnrollmentException;

class FailuresTest {

    /** A status getter that had to re-fetch the order and hit a timeout is a network failure, retried like one. */
    @Test
    void aLazyLoadThatTimedOutIsRetryable() throws Exception {
        AcmeLazyLoadingException lazy = new AcmeLazyLoadingException(
                Order.class,
                new URL("https://ca.example/order/1"),
                new AcmeNetworkException(new IOException("request timed out")));
        EnrollmentException e = Failures.translate("order", Failures.cause(lazy));
        assertTrue(e.isRetryable(), e.getMessage());
        assertTrue(e.getMessage().contains("CA unreachable"), e.getMessage());
    }

    @Test
    void aLazyLoadWithoutAnAcmeCauseStillBecomesAnAcmeException() throws Exception {
        AcmeLazyLoadingException lazy = new AcmeLazyLoadingException(
                Order.class, new URL("https://ca.example/order/1"), new AcmeException("unexpected answer"));
        AcmeException cause = Failures.cause(lazy);
        assertFalse(cause instanceof AcmeNetworkException);
        assertTrue(Failures.translate("order", cause).isRetryable());
    }
}
