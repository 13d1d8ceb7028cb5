package io.keywarden.revocation.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jose4j.json.JsonUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keywarden.api.revocation.RevocationService;
import io.keywarden.api.revocation.RevocationTicket;
import io.keywarden.support.files.DurableFiles;
import io.keywarden.support.threads.NamedThreads;

/**
 * A directory through which signed requests arrive as files ({@code <name>.jws}), for requesters with no other
 * channel into this framework (an out-of-band copy, a cloud agent writing files, the demo driver). Each file is
 * submitted, answered with {@code <name>.result} (the ticket as JSON) and then removed. A crash between submit and
 * removal submits it again at the next start, where its nonce makes it a refused replay: the first ticket stands.
 */
final class Inbox implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Inbox.class);
    static final String REQUEST_SUFFIX = ".jws";
    static final String RESULT_SUFFIX = ".result";

    private final Path dir;
    private final RevocationService service;
    private final ScheduledExecutorService poller;

    Inbox(Path dir, RevocationService service) throws IOException {
        this.dir = dir;
        this.service = service;
        DurableFiles.createPrivateDirectories(dir);
        poller = Executors.newSingleThreadScheduledExecutor(NamedThreads.single("keywarden-revoke-inbox"));
        poller.scheduleWithFixedDelay(this::poll, 0, 100, TimeUnit.MILLISECONDS);
    }

    private void poll() {
        List<Path> requests = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + REQUEST_SUFFIX)) {
            ds.forEach(requests::add);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cannot list the revocation inbox {}: {}", dir, e.toString());
            return;
        }
        requests.sort(null);
        for (Path f : requests) {
            try {
                String name = f.getFileName().toString();
                String base = name.substring(0, name.length() - REQUEST_SUFFIX.length());
                RevocationTicket t = service.submit(Files.readString(f, StandardCharsets.US_ASCII));
                DurableFiles.write(
                        dir.resolve(base + RESULT_SUFFIX),
                        JsonUtil.toJson(describe(t)).getBytes(StandardCharsets.UTF_8));
                Files.delete(f);
            } catch (IOException | RuntimeException e) {
                LOG.warn("Revocation inbox: {} not processed: {}", f.getFileName(), e.toString());
            }
        }
    }

    private static Map<String, Object> describe(RevocationTicket t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ticket", t.getId());
        m.put("state", t.getState().name());
        m.put("submittedAt", t.getSubmittedAt().toString());
        t.getRefusalReason().ifPresent(r -> m.put("refusal", r.name()));
        t.getDetail().ifPresent(d -> m.put("detail", d));
        m.put("serials", t.getCertificates().stream().map(c -> c.getSerial()).toList());
        return m;
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
