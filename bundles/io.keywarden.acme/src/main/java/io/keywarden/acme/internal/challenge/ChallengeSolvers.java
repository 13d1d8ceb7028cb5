package io.keywarden.acme.internal.challenge;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.keywarden.acme.internal.config.ChallengeSelection;
import io.keywarden.acme.internal.config.ChallengeTypes;
import io.keywarden.acme.internal.config.Dns01Options;
import io.keywarden.api.enrollment.EnrollmentException;

/** The solvers of one gateway and which one answers for each identifier. */
public final class ChallengeSolvers {

    /** The challenge type a device's own configuration declares for one of its names (raw, unchecked). */
    public interface Declared {
        Optional<String> typeOf(String identifier);
    }

    private final ChallengeSelection selection;
    private final Map<String, ChallengeSolver> solvers;
    private final Declared declared;

    public ChallengeSolvers(ChallengeSelection selection, Map<String, ChallengeSolver> solvers, Declared declared) {
        this.selection = requireNonNull(selection, "selection");
        this.solvers = Map.copyOf(solvers);
        this.declared = requireNonNull(declared, "declared");
    }

    /** The solver for one identifier; a type nobody can answer is a configuration error, not worth retrying. */
    public ChallengeSolver solverFor(String identifier) throws EnrollmentException {
        Optional<String> raw = declared.typeOf(identifier);
        Optional<String> type = Optional.empty();
        if (raw.isPresent()) {
            type = ChallengeTypes.parse(raw.get());
            if (type.isEmpty()) {
                throw new EnrollmentException(
                        ChallengeSelection.KEY_TYPE + ": unknown challenge type '" + raw.get()
                                + "' in the sensor configuration of " + identifier + ", expected one of "
                                + ChallengeTypes.ALL,
                        null,
                        false);
            }
        }
        String t = selection.typeFor(identifier, type);
        ChallengeSolver solver = solvers.get(t);
        if (solver == null) {
            String missing = ChallengeTypes.DNS_01.equals(t) ? Dns01Options.KEY_SERVER : ChallengeSelection.KEY_TYPE;
            throw new EnrollmentException(
                    missing + ": " + identifier + " is to be validated over " + t
                            + ", which this gateway is not configured to answer",
                    null,
                    false);
        }
        return solver;
    }

    /** Checks every name's solver before anything is ordered (see {@link ChallengeSolver#check}). */
    public void checkAll(List<String> identifiers) throws EnrollmentException, InterruptedException {
        for (String id : identifiers) {
            solverFor(id).check(id);
        }
    }
}
