package io.keywarden.acme.internal.challenge.dns;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Update;

import io.keywarden.acme.internal.challenge.ChallengeSolver;
import io.keywarden.acme.internal.config.ChallengeTypes;
import io.keywarden.acme.internal.config.Dns01Options;
import io.keywarden.api.enrollment.EnrollmentException;
import io.keywarden.support.config.InvalidConfigurationException;

/**
 * dns-01 (RFC 8555 §8.4) through RFC 2136 dynamic updates signed with TSIG: the TXT record goes to
 * {@code _acme-challenge.<name>}, or to where its CNAME points, in that name's zone; it is added before the CA is told
 * and deleted after validation, whatever the outcome. The gateway needs no inbound port.
 */
public final class Dns01Solver implements ChallengeSolver {
    private static final Logger LOG = LoggerFactory.getLogger(Dns01Solver.class);
    static final long TTL_SECONDS = 60;
    /** Written nowhere: deleting it checks that the server takes our key for this name, before anything is ordered. */
    static final String CHECK_VALUE = "keywarden-update-check";

    private static final Duration FIRST_PAUSE = Duration.ofMillis(250);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(5);

    private final Dns01Options options;
    private final DnsTransport transport;
    private final DnsLookups lookups;

    Dns01Solver(Dns01Options options, DnsTransport transport) {
        this.options = requireNonNull(options, "options");
        this.transport = requireNonNull(transport, "transport");
        this.lookups = new DnsLookups(transport, options.getResolver());
    }

    /** A solver talking to the configured servers through dnsjava. */
    public static Dns01Solver create(Dns01Options options) throws InvalidConfigurationException {
        try {
            return new Dns01Solver(
                    options,
                    new DnsjavaTransport(
                            options.getTsigAlgorithm(), options.getTsigKeyName(), options.getTsigSecret()));
        } catch (TextParseException | IllegalArgumentException e) {
            throw new InvalidConfigurationException(
                    Dns01Options.KEY_TSIG_KEY_NAME, "not usable as a TSIG key name: " + e.getMessage());
        }
    }

    @Override
    public String type() {
        return ChallengeTypes.DNS_01;
    }

    @Override
    public void check(String identifier) throws EnrollmentException {
        Target t = target(identifier);
        Update u = new Update(t.zone);
        u.delete(new TXTRecord(t.owner, DClass.IN, 0, CHECK_VALUE));
        send(u, t);
    }

    @Override
    public Published publish(String identifier, String token, String keyAuthorization)
            throws EnrollmentException, InterruptedException {
        String txt = TxtValue.of(requireNonNull(keyAuthorization, "keyAuthorization"));
        Target t = target(identifier);
        Update add = new Update(t.zone);
        add.add(new TXTRecord(t.owner, DClass.IN, TTL_SECONDS, txt));
        send(add, t);
        LOG.debug("dns-01 for {}: TXT added at {} in {}", identifier, t.owner, t.zone);
        Published published = () -> remove(t, txt);
        try {
            if (options.isPropagationCheck()) {
                awaitVisible(t, txt);
            }
            return published;
        } catch (EnrollmentException | InterruptedException | RuntimeException e) {
            published.close();
            throw e;
        }
    }

    private void remove(Target t, String txt) {
        Update u = new Update(t.zone);
        u.delete(new TXTRecord(t.owner, DClass.IN, 0, txt));
        try {
            send(u, t);
            LOG.debug("dns-01: TXT removed from {}", t.owner);
        } catch (EnrollmentException e) {
            LOG.warn("dns-01: could not remove the TXT record at {}: {}", t.owner, e.getMessage());
        }
    }

    private void send(Update update, Target t) throws EnrollmentException {
        Message response;
        try {
            response = transport.update(options.getServer(), update);
        } catch (IOException e) {
            throw new EnrollmentException(
                    "dns-01 update of " + t.owner + " at " + Dns01Options.KEY_SERVER + "=" + options.getServer()
                            + " failed: " + e.getMessage(),
                    e,
                    true);
        }
        EnrollmentException refused =
                UpdateErrors.of(response, options.getTsigKeyName(), t.zone.toString(), t.owner.toString());
        if (refused != null) {
            throw refused;
        }
    }

    /** Where the TXT record for {@code identifier} goes: its challenge name after CNAMEs, and that name's zone. */
    Target target(String identifier) throws EnrollmentException {
        String base = identifier.toLowerCase(Locale.ROOT);
        if (base.startsWith("*.")) {
            base = base.substring(2);
        }
        Name challenge;
        try {
            challenge = Name.fromString("_acme-challenge." + base + ".");
        } catch (TextParseException e) {
            throw new EnrollmentException("dns-01: not a DNS name: " + identifier, e, false);
        }
        Name owner = lookups.followCnames(challenge);
        Name zone = null;
        if (options.getZone().isPresent()) {
            Name configured = Name.fromConstantString(options.getZone().get());
            zone = owner.subdomain(configured) ? configured : null;
        }
        if (zone == null) {
            zone = lookups.zoneOf(owner);
        }
        if (!owner.equals(challenge)) {
            LOG.debug("dns-01 for {}: {} delegated to {} (zone {})", identifier, challenge, owner, zone);
        }
        return new Target(owner, zone);
    }

    /** Waits until every server to check answers the TXT value, or fails retryably at the timeout. */
    private void awaitVisible(Target t, String txt) throws EnrollmentException, InterruptedException {
        List<InetSocketAddress> pending = new ArrayList<>(
                options.getPropagationServers().isEmpty()
                        ? lookups.nameServers(t.zone)
                        : options.getPropagationServers());
        long deadline = System.nanoTime() + options.getPropagationTimeout().toNanos();
        Duration pause = FIRST_PAUSE;
        while (true) {
            pending.removeIf(server -> lookups.shows(server, t.owner, txt));
            if (pending.isEmpty()) {
                return;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new EnrollmentException(
                        Dns01Options.KEY_PROPAGATION_TIMEOUT + ": the TXT record at " + t.owner
                                + " is not visible on " + pending + " after "
                                + options.getPropagationTimeout().toSeconds()
                                + " s",
                        null,
                        true);
            }
            Thread.sleep(Math.max(1, Math.min(pause.toMillis(), left / 1_000_000)));
            pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
        }
    }

    /** The owner name of the TXT record and the zone the update goes to. */
    record Target(Name owner, Name zone) {}
}
