package io.keywarden.monitor.internal;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import com.google.gson.stream.JsonWriter;

import io.keywarden.api.monitor.Incident;
import io.keywarden.api.monitor.ResponseAction;
import io.keywarden.monitor.internal.channel.ChannelHandler;
import io.keywarden.monitor.internal.channel.ClientIdentity;
import io.keywarden.monitor.internal.channel.HttpRequest;
import io.keywarden.monitor.internal.channel.HttpResponse;
import io.keywarden.monitor.internal.observe.ActivityTracker;
import io.keywarden.monitor.internal.policy.DeviceClassPolicy;
import io.keywarden.monitor.internal.policy.Evaluator;
import io.keywarden.monitor.internal.policy.Finding;
import io.keywarden.monitor.internal.policy.Learner;
import io.keywarden.monitor.internal.policy.Policy;
import io.keywarden.monitor.internal.policy.Rule;
import io.keywarden.monitor.internal.report.ReportException;
import io.keywarden.monitor.internal.report.ReportParser;
import io.keywarden.monitor.internal.report.StatusReport;
import io.keywarden.monitor.internal.report.StrictJson;
import io.keywarden.monitor.internal.response.Containment;

/**
 * What admitted sensors can do on the channel:
 *
 * <pre>
 * POST /v1/report   a status report (schema {@value ReportParser#SCHEMA}) → 202, 400 (not JSON), 422 (schema), 403
 * POST /v1/data     any JSON document (the sensor's data) → 202, 400
 * GET  /v1/status   → 200 {"device": ..., "serial": ...}, as the gateway identified the sensor
 * </pre>
 *
 * Every request is first counted by the gateway (rate, endpoint, source): the rate rule works even on requests
 * that are themselves refused.
 */
final class SensorEndpoint implements ChannelHandler {
    static final String REPORT = "/v1/report";
    static final String DATA = "/v1/data";
    static final String STATUS = "/v1/status";
    /** What every other path is counted as: a sensor cannot make the gateway remember paths one by one. */
    static final String OTHER = "(other)";

    private final ActivityTracker activity;
    private final Supplier<Policy> policy;
    private final Learner learner;
    private final boolean learning;
    private final Containment containment;
    private final Clock clock;

    SensorEndpoint(
            ActivityTracker activity,
            Supplier<Policy> policy,
            Learner learner,
            boolean learning,
            Containment containment,
            Clock clock) {
        this.activity = activity;
        this.policy = policy;
        this.learner = learner;
        this.learning = learning;
        this.containment = containment;
        this.clock = clock;
    }

    @Override
    public HttpResponse handle(ClientIdentity client, HttpRequest request, long receivedNanos) {
        Instant received = clock.instant();
        String path = request.path();
        Policy p = policy.get();
        DeviceClassPolicy cls = p.classOf(client.deviceId());
        String counted = switch (path) {
            case REPORT, DATA, STATUS -> path;
            default -> OTHER;
        };
        ActivityTracker.Seen seen =
                activity.request(client.deviceId(), client.serial(), client.source(), counted, receivedNanos);
        if (learning) {
            learner.rate(p.classNameOf(client.deviceId()), seen.requestsLastSecond());
        } else {
            seen.previousSource()
                    .ifPresent(prev -> act(
                            client,
                            p,
                            new Finding(
                                    Rule.SOURCE_CHANGED, Map.of("source", client.source(), "previous.source", prev)),
                            received));
            HttpResponse refused =
                    actAll(client, p, Evaluator.rate(cls, seen.requestsLastSecond(), path), received, 429);
            if (refused != null) {
                return refused;
            }
        }
        return switch (path) {
            case REPORT -> post(request) ? report(client, request, p, cls, received) : notAllowed();
            case DATA -> post(request) ? data(request) : notAllowed();
            case STATUS ->
                "GET".equals(request.method())
                        ? HttpResponse.json(
                                200, StrictJson.write(Map.of("device", client.deviceId(), "serial", client.serial())))
                        : notAllowed();
            default -> HttpResponse.error(404, "no such endpoint: " + path);
        };
    }

    private HttpResponse report(
            ClientIdentity client, HttpRequest request, Policy p, DeviceClassPolicy cls, Instant received) {
        HttpResponse bad = checkJson(request);
        if (bad != null) {
            return bad;
        }
        StatusReport report;
        try {
            report = ReportParser.parse(request.bodyText());
        } catch (ReportParser.SchemaException e) {
            return HttpResponse.error(422, e.getMessage());
        } catch (ReportException e) {
            return HttpResponse.error(400, e.getMessage());
        }
        activity.reported(client.deviceId());
        if (learning) {
            learner.report(p.classNameOf(client.deviceId()), client.deviceId(), report, received);
            return accepted(report.sequence(), true);
        }
        HttpResponse refused = actAll(client, p, Evaluator.evaluate(cls, report), received, 403);
        return refused != null ? refused : accepted(report.sequence(), false);
    }

    /** Written with Gson's streaming writer: the answer to every report, so no map and no type adapter per report. */
    private static HttpResponse accepted(long sequence, boolean learning) {
        StringWriter body = new StringWriter(32);
        try (JsonWriter json = new JsonWriter(body)) {
            json.beginObject().name("accepted").value(sequence);
            if (learning) {
                json.name("learning").value(true);
            }
            json.endObject();
        } catch (IOException e) {
            throw new UncheckedIOException("a StringWriter does not fail", e);
        }
        return HttpResponse.json(202, body.toString());
    }

    private static HttpResponse data(HttpRequest request) {
        HttpResponse bad = checkJson(request);
        if (bad != null) {
            return bad;
        }
        try {
            StrictJson.parse(request.bodyText());
        } catch (ReportException e) {
            return HttpResponse.error(400, e.getMessage());
        }
        return HttpResponse.json(202, StrictJson.write(Map.of("stored", request.body().length)));
    }

    /** Applies each finding; returns the refusal when one of them took the device off the channel. */
    private HttpResponse actAll(ClientIdentity client, Policy p, List<Finding> findings, Instant received, int status) {
        HttpResponse refusal = null;
        for (Finding f : findings) {
            Incident i = act(client, p, f, received);
            if (i != null && i.getAction() != ResponseAction.ALERT && refusal == null) {
                refusal = HttpResponse.error(
                        status, "device quarantined: " + f.rule().id());
            }
        }
        return refusal;
    }

    private Incident act(ClientIdentity client, Policy p, Finding f, Instant received) {
        return containment
                .respond(client.deviceId(), client.serial(), f, p.actionFor(f.rule()), received)
                .orElse(null);
    }

    private static HttpResponse checkJson(HttpRequest request) {
        String type = request.header("content-type").orElse("");
        if (!type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            return HttpResponse.error(415, "Content-Type must be application/json");
        }
        return null;
    }

    private static boolean post(HttpRequest request) {
        return "POST".equals(request.method());
    }

    private static HttpResponse notAllowed() {
        return HttpResponse.error(405, "method not allowed");
    }
}
