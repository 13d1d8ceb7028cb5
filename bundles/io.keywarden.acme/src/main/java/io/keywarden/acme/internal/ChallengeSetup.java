package io.keywarden.acme.internal;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

import org.osgi.framework.BundleContext;

import io.keywarden.acme.internal.challenge.ChallengeSolver;
import io.keywarden.acme.internal.challenge.ChallengeSolvers;
import io.keywarden.acme.internal.challenge.Http01Solver;
import io.keywarden.acme.internal.challenge.StandaloneHttp01;
import io.keywarden.acme.internal.challenge.dns.Dns01Solver;
import io.keywarden.acme.internal.challenge.whiteboard.WhiteboardHttp01;
import io.keywarden.acme.internal.config.ChallengeTypes;
import io.keywarden.acme.internal.config.GatewayOptions;
import io.keywarden.support.config.InvalidConfigurationException;

/**
 * Builds the gateway's challenge solvers from its configuration and owns what they hold open: the standalone
 * responder (its port bound only while http-01 challenges are pending, checked at once when the configuration picks
 * http-01) or the whiteboard servlet.
 */
final class ChallengeSetup implements AutoCloseable {
    private final ChallengeSolvers solvers;
    /** Closes what http-01 holds open (the port or the servlet); neither throws. */
    private final Runnable http01;

    private ChallengeSetup(ChallengeSolvers solvers, Runnable http01) {
        this.solvers = solvers;
        this.http01 = http01;
    }

    /** @param postRefusal posts the properties of an http-01 refusal event (standalone responder) */
    static ChallengeSetup create(
            BundleContext context,
            GatewayOptions options,
            ChallengeSolvers.Declared declared,
            Consumer<Map<String, Object>> postRefusal)
            throws InvalidConfigurationException {
        Map<String, ChallengeSolver> byType = new HashMap<>();
        if (options.getDns01().isPresent()) {
            byType.put(
                    ChallengeTypes.DNS_01, Dns01Solver.create(options.getDns01().get()));
        }
        Runnable held;
        Http01Solver.Tokens tokens;
        if (GatewayOptions.HTTP01_MODE_WHITEBOARD.equals(options.getHttp01Mode())) {
            WhiteboardHttp01 whiteboard = whiteboard(context);
            held = whiteboard::close;
            tokens = whiteboard;
        } else {
            StandaloneHttp01 standalone =
                    new StandaloneHttp01(options.getHttp01BindAddress(), options.getHttp01Port(), postRefusal);
            if (options.getChallengeSelection().configuredTypes().contains(ChallengeTypes.HTTP_01)) {
                try {
                    // the port is bound only while challenges are pending; check now that it can be
                    standalone.probe();
                } catch (IOException e) {
                    throw new InvalidConfigurationException(
                            GatewayOptions.KEY_HTTP01_PORT,
                            "cannot listen on " + options.getHttp01BindAddress() + ":" + options.getHttp01Port() + " ("
                                    + e.getMessage() + ")");
                }
            }
            held = standalone::close;
            tokens = standalone;
        }
        byType.put(ChallengeTypes.HTTP_01, new Http01Solver(tokens));
        return new ChallengeSetup(new ChallengeSolvers(options.getChallengeSelection(), byType, declared), held);
    }

    private static WhiteboardHttp01 whiteboard(BundleContext context) throws InvalidConfigurationException {
        // the optional javax.servlet import is not wired when the framework had no servlet API at resolve time
        return WhiteboardHttp01.create(context)
                .orElseThrow(() -> new InvalidConfigurationException(
                        GatewayOptions.KEY_HTTP01_MODE,
                        "whiteboard needs the javax.servlet API (3.1 or later) and an OSGi HTTP "
                                + "Whiteboard; this bundle sees no servlet API (install one and refresh the bundle)"));
    }

    ChallengeSolvers solvers() {
        return solvers;
    }

    @Override
    public void close() {
        http01.run();
    }
}
