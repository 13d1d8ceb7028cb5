package io.keywarden.support.config;

import static java.util.Objects.requireNonNull;

/** A configuration value is missing or wrong; names the property so an operator can fix it. */
public final class InvalidConfigurationException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String property;
    private final String problem;

    public InvalidConfigurationException(String property, String problem) {
        super(requireNonNull(property, "property") + ": " + requireNonNull(problem, "problem"));
        this.property = property;
        this.problem = problem;
    }

    public InvalidConfigurationException(String property, String problem, Throwable cause) {
        this(property, problem);
        initCause(cause);
    }

    /** The configuration property at fault. */
    public String getProperty() {
        return property;
    }

    /** What is wrong with it, without the property name. */
    public String getProblem() {
        return problem;
    }
}
