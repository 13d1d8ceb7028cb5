package io.keywarden.acme.internal.config;

import static java.util.Objects.requireNonNull;

/** A configuration value is missing or wrong; names the property so an operator can fix it. */
public final class InvalidConfigurationException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String property;

    public InvalidConfigurationException(String property, String problem) {
        super(requireNonNull(property, "property") + ": " + requireNonNull(problem, "problem"));
        this.property = property;
    }

    public String getProperty() {
        return property;
    }
}
