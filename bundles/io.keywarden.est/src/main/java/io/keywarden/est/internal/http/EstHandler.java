package io.keywarden.est.internal.http;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import javax.servlet.AsyncContext;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.AbstractHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.est.internal.audit.EstAudit;
import io.keywarden.est.internal.enroll.EnrollmentFront.Issued;
import io.keywarden.est.internal.enroll.EnrollmentFront.Later;
import io.keywarden.est.internal.enroll.EnrollmentFront.Outcome;
import io.keywarden.est.internal.http.EstService.EnrollRequest;
import io.keywarden.est.internal.policy.Refusal;
import io.keywarden.support.http.ConnectionRefusal;
import io.keywarden.support.http.DeviceConnections;

/**
 * RFC 7030 over HTTP: {@code /.well-known/est/[label/]operation}, content types and bodies per §4 with RFC 8951
 * (base64 whatever Content-Transfer-Encoding says). Every refusal answers the status with a reason in text/plain and
 * is audited.
 */
final class EstHandler extends AbstractHandler {
    private static final Logger LOG = LoggerFactory.getLogger(EstHandler.class);
    static final String PREFIX = "/.well-known/est/";
    private static final String REALM = "keywarden-est";
    private static final String CERTS_ONLY = "application/pkcs7-mime; smime-type=certs-only";
    private static final Set<String> OPERATIONS =
            Set.of("cacerts", "csrattrs", "simpleenroll", "simplereenroll", "serverkeygen");

    private final EstService est;
    private final EstAudit audit;
    private final Set<String> labels;
    private final int maxBody;
    private final Executor writers;
    private final DeviceConnections<String> devices;

    EstHandler(
            EstService est,
            EstAudit audit,
            Set<String> labels,
            int maxBody,
            Executor writers,
            DeviceConnections<String> devices) {
        this.writers = writers;
        this.devices = devices;
        this.est = est;
        this.audit = audit;
        this.labels = Set.copyOf(labels);
        this.maxBody = maxBody;
    }

    @Override
    public void handle(String target, Request base, HttpServletRequest req, HttpServletResponse resp)
            throws IOException {
        base.setHandled(true);
        // an EST exchange is a request or two: no idle TLS connection is kept per sensor (nor held against its cap)
        resp.setHeader("Connection", "close");
        String source = req.getRemoteAddr();
        String op = "-";
        try {
            op = operation(req.getRequestURI());
            switch (op) {
                case "cacerts" -> {
                    requireMethod(req, "GET");
                    writeBase64(resp, CERTS_ONLY, EstCodec.certsOnly(est.caCertificates()));
                }
                case "csrattrs" -> {
                    requireMethod(req, "GET");
                    writeBase64(
                            resp,
                            "application/csrattrs",
                            EstCodec.csrAttributes(
                                    List.of(X9ObjectIdentifiers.ecdsa_with_SHA256),
                                    List.of(EstCodec.attribute(
                                            X9ObjectIdentifiers.id_ecPublicKey, SECObjectIdentifiers.secp256r1))));
                }
                case "simpleenroll", "simplereenroll", "serverkeygen" -> enroll(op, base, req, resp, source);
                default -> throw new IllegalStateException(op);
            }
        } catch (Refusal e) {
            audit.refused(op, e.getStatus(), e.getAuditReason(), e.getDeviceId(), source);
            refuse(resp, e);
        } catch (RuntimeException e) {
            // a defect of ours: answered and audited like a refusal, not left to Jetty's bare 500
            LOG.error("EST {} from {} failed", op, source, e);
            Refusal internal = new Refusal(500, "internal error", "internal error: " + e, null);
            audit.refused(op, 500, internal.getAuditReason(), null, source);
            refuse(resp, internal);
        }
    }

    private void enroll(String op, Request base, HttpServletRequest req, HttpServletResponse resp, String source)
            throws Refusal, IOException {
        requireMethod(req, "POST");
        String type = req.getContentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).split(";")[0].trim().equals("application/pkcs10")) {
            String shown = type == null ? "none" : type.length() > 64 ? type.substring(0, 64) + "..." : type;
            throw new Refusal(415, "the request must be application/pkcs10 (RFC 7030 4.2.1), not " + shown);
        }
        byte[] der = EstCodec.decodeBase64(body(req));
        X509Certificate[] chain = (X509Certificate[]) req.getAttribute("javax.servlet.request.X509Certificate");
        EndPoint connection = base.getHttpChannel().getEndPoint();
        CompletableFuture<Outcome> answer =
                est.enroll(new EnrollRequest(op, der, chain, req.getHeader("Authorization"), source, device -> {
                    if (devices.attach(connection, device)) {
                        return true;
                    }
                    audit.refusedConnection(ConnectionRefusal.PER_DEVICE_LIMIT, source);
                    return false;
                }));
        if (answer.isDone()) {
            answer(op, source, resp, answer);
            return;
        }
        // the CA may take a while: the request thread goes back to the pool, the answer is written when it is there
        AsyncContext async = req.startAsync();
        async.setTimeout(0);
        // written on Jetty's pool: the future may complete on the CA's worker or on the JVM's one timeout thread
        answer.whenCompleteAsync(
                (o, e) -> {
                    try {
                        answer(op, source, (HttpServletResponse) async.getResponse(), answer);
                    } catch (IOException | RuntimeException writeFailed) {
                        LOG.debug("EST {} answer to {} not written: {}", op, source, writeFailed.toString());
                    } finally {
                        async.complete();
                    }
                },
                writers);
    }

    /** Writes a completed answer: the certificate, "later", or the refusal it failed with. */
    private void answer(String op, String source, HttpServletResponse resp, CompletableFuture<Outcome> answer)
            throws IOException {
        Outcome o;
        try {
            o = answer.join();
        } catch (CompletionException | CancellationException e) {
            Refusal r = e.getCause() instanceof Refusal x
                    ? x
                    : new Refusal(500, "internal error", "internal error: " + e.getCause(), null);
            if (!(e.getCause() instanceof Refusal)) {
                LOG.error("EST {} from {} failed", op, source, e.getCause());
            }
            audit.refused(op, r.getStatus(), r.getAuditReason(), r.getDeviceId(), source);
            refuse(resp, r);
            return;
        }
        if (o instanceof Later later) {
            resp.setStatus(202);
            resp.setHeader("Retry-After", Integer.toString(later.retryAfterSeconds()));
            resp.setContentLength(0);
        } else if (o instanceof Issued issued) {
            byte[] certs = EstCodec.certsOnly(List.of(issued.record().getCertificate()));
            if ("serverkeygen".equals(op)) {
                writeKeyAndCertificate(resp, EstCodec.pkcs8(issued.serverKey()), certs);
            } else {
                writeBase64(resp, CERTS_ONLY, certs);
            }
        }
    }

    /** The operation named by the path, after the optional CA label (which must be one configured). */
    private String operation(String uri) throws Refusal {
        if (uri == null || !uri.startsWith(PREFIX)) {
            throw new Refusal(404, "not an EST path: EST lives under " + PREFIX);
        }
        String[] parts = uri.substring(PREFIX.length()).split("/", -1);
        if (parts.length == 2 && !labels.contains(parts[0])) {
            throw new Refusal(404, "unknown CA label");
        }
        String op = parts.length == 1 ? parts[0] : parts.length == 2 ? parts[1] : "";
        if (!OPERATIONS.contains(op)) {
            // the path is the client's: neither echoed nor remembered
            throw new Refusal(404, "unknown EST operation (supported: " + new TreeSet<>(OPERATIONS) + ")");
        }
        return op;
    }

    private static void requireMethod(HttpServletRequest req, String method) throws Refusal {
        if (!method.equals(req.getMethod())) {
            throw new Refusal(405, "use " + method + " for this operation");
        }
    }

    private byte[] body(HttpServletRequest req) throws Refusal, IOException {
        long declared = req.getContentLengthLong();
        if (declared > maxBody) {
            throw new Refusal(413, "the body exceeds " + maxBody + " bytes");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(declared > 0 ? (int) declared : 1024);
        byte[] buf = new byte[4096];
        try (InputStream in = req.getInputStream()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                if (out.size() + n > maxBody) {
                    throw new Refusal(413, "the body exceeds " + maxBody + " bytes");
                }
                out.write(buf, 0, n);
            }
        }
        return out.toByteArray();
    }

    private static void writeBase64(HttpServletResponse resp, String type, byte[] der) throws IOException {
        byte[] body = EstCodec.encodeBase64(der).getBytes(US_ASCII);
        resp.setStatus(200);
        resp.setContentType(type);
        resp.setHeader("Content-Transfer-Encoding", "base64");
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }

    /** RFC 7030 §4.4.2: multipart/mixed, the PKCS#8 key first, then the certificate. */
    private static void writeKeyAndCertificate(HttpServletResponse resp, byte[] pkcs8, byte[] certs)
            throws IOException {
        String boundary = "est-" + UUID.randomUUID();
        String body = "--" + boundary + "\r\n"
                + "Content-Type: application/pkcs8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + EstCodec.encodeBase64(pkcs8) + "\r\n"
                + "--" + boundary + "\r\n"
                + "Content-Type: " + CERTS_ONLY + "\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + EstCodec.encodeBase64(certs) + "\r\n"
                + "--" + boundary + "--\r\n";
        byte[] bytes = body.getBytes(US_ASCII);
        resp.setStatus(200);
        resp.setContentType("multipart/mixed; boundary=" + boundary);
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }

    private static void refuse(HttpServletResponse resp, Refusal e) throws IOException {
        if (resp.isCommitted()) {
            return;
        }
        resp.reset();
        resp.setHeader("Connection", "close");
        resp.setStatus(e.getStatus());
        if (e.getStatus() == 401) {
            // no body: Bouncy Castle's EST client drops the challenge unread and then fails on a body it did not read
            resp.setHeader("WWW-Authenticate", "Basic realm=\"" + REALM + "\"");
            resp.setContentLength(0);
            return;
        }
        if (e.getStatus() == 429 || e.getStatus() == 503 || e.getStatus() == 409) {
            resp.setHeader("Retry-After", "30");
        }
        byte[] text = (e.getMessage() + "\n").getBytes(UTF_8);
        resp.setContentType("text/plain; charset=utf-8");
        resp.setContentLength(text.length);
        resp.getOutputStream().write(text);
    }
}
