package io.keywarden.fleet.internal.config;

/** A configuration value the component cannot run with; names the property. */
public final class InvalidConfigurationException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String property;

    InvalidConfigurationException(String property, String message) {
        super(property + ": " + message);
        this.property = property;
    }

    String getProperty() {
        return property;
    }
}
